"""zxing-cpp 1.4 (Debian's python3-zxing-cpp) as a peer decoder for the
scanner's benchmarks.

Debian's Python has numpy but no image library, so the caller sends the
8-bit gray pixels it decodes itself: per image a line "WIDTH HEIGHT NAME"
and then WIDTH*HEIGHT bytes. One JSON line comes back per image:
{"file","ok","text","format","ms"}. Options: every format, tryRotate,
tryDownscale (tryHarder is always on in 1.4).
"""
import json
import sys
import time

import numpy
import zxingcpp


def main():
    inp, out = sys.stdin.buffer, sys.stdout
    while True:
        head = inp.readline()
        if not head:
            return
        w, h, name = head.decode("utf-8").rstrip("\n").split(" ", 2)
        w, h = int(w), int(h)
        pix = inp.read(w * h)
        res = {"file": name, "ok": False, "text": "", "format": "", "ms": 0.0}
        if len(pix) != w * h:
            res["error"] = "short image"
            out.write(json.dumps(res) + "\n")
            return
        img = numpy.frombuffer(pix, dtype=numpy.uint8).reshape(h, w)
        t0 = time.perf_counter()
        r = zxingcpp.read_barcode(img, try_rotate=True, try_downscale=True)
        res["ms"] = (time.perf_counter() - t0) * 1000
        if r is not None and r.valid:
            res["ok"], res["text"], res["format"] = True, r.text, str(r.format).split(".")[-1]
        out.write(json.dumps(res) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
