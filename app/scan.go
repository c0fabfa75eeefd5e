package app

// ScanKind says what a scanned or typed text is, so the home screen's
// session knows which flow it starts.
type ScanKind uint8

const (
	// ScanForeign is none of ours (a product barcode, a URL, noise): it is
	// ignored and does not count as a wrong code.
	ScanForeign ScanKind = iota
	ScanPickupCode
	ScanPickupToken
	ScanCourierToken
	ScanReturnCode
	ScanReturnToken
	// ScanStaffBadge is a staff member's badge (the operator's staff
	// token): it opens the PIN pad for that person, with a guessing
	// budget of their own.
	ScanStaffBadge
)

var scanNames = [...]string{"foreign", "pickup-code", "pickup-token", "courier-token", "return-code", "return-token", "staff-badge"}

func (k ScanKind) String() string {
	if int(k) < len(scanNames) {
		return scanNames[k]
	}
	return "scan(?)"
}
