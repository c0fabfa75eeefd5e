package scanner

import "testing"

func TestReadProduct(t *testing.T) {
	for _, tt := range []struct {
		format string
		want   bool
	}{
		{FormatEAN13, true}, {FormatEAN8, true}, {FormatUPCA, true}, {FormatUPCE, true},
		{FormatQR, false}, {FormatDataMatrix, false}, {FormatCode128, false}, {FormatCode39, false}, {FormatUnknown, false},
	} {
		if got := (Read{Text: "01234565", Format: tt.format}).Product(); got != tt.want {
			t.Errorf("%q: Product() = %v, want %v", tt.format, got, tt.want)
		}
	}
}
