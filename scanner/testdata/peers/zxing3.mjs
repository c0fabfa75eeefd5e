// zxing-cpp 3.1, compiled to WebAssembly (the npm package zxing-wasm, pinned
// in package.json), as a peer decoder for the scanner's benchmarks. It reads
// image file paths, one a line, on stdin and writes one JSON line per file:
// {"file","ok","text","format","ms"} ("error" when the file could not be
// read). Options: tryHarder, tryRotate, tryInvert, tryDownscale, every
// format, one symbol, and the text plain (the bytes as decoded, control
// characters kept, as the expected texts hold them; the default spells
// them out as <SOH>).
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";

const wasm = fileURLToPath(import.meta.resolve("zxing-wasm/reader/zxing_reader.wasm"));
prepareZXingModule({
  overrides: { wasmBinary: readFileSync(wasm).buffer },
  fireImmediately: true,
});

const options = {
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 1,
  textMode: "Plain",
};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const file of lines) {
  if (file === "") continue;
  const out = { file, ok: false, text: "", format: "", ms: 0 };
  try {
    const bytes = readFileSync(file);
    const t0 = performance.now();
    const results = await readBarcodes(new Uint8Array(bytes), options);
    out.ms = performance.now() - t0;
    const r = results.find((r) => r.isValid);
    if (r) {
      out.ok = true;
      out.text = r.text;
      out.format = r.format;
    }
  } catch (e) {
    out.error = String(e);
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
