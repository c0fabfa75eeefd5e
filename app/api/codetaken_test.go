package api

import (
	"fmt"
	"net/http"
	"testing"
)

// Two shops choosing one pickup code must not let one shopper open both
// parcels: the second booking is refused with 409 code_taken and writes
// nothing. The same shop may reuse it for the same recipient.
func TestChosenCodeTakenByAnotherShop(t *testing.T) {
	f := newFixture(t, nil)
	body := `{"size":"S","parcel_ref":"%s","recipient_ref":"anna","pickup_code":"7YHN-ZT93"}`
	if a := f.do("POST", "/v1/rents", "shopx", fmt.Sprintf(body, "X-1")); a.status != http.StatusCreated {
		t.Fatalf("first booking: %d %s", a.status, a.body)
	}
	rents, events := f.counts()
	a := f.do("POST", "/v1/rents", "shopy", fmt.Sprintf(body, "Y-1"))
	if a.status != http.StatusConflict || a.errCode(t) != "code_taken" {
		t.Fatalf("another shop's booking with the code: %d %s", a.status, a.body)
	}
	if r, e := f.counts(); r != rents || e != events {
		t.Fatalf("a refused booking wrote: rents %d→%d events %d→%d", rents, r, events, e)
	}
	if a := f.do("POST", "/v1/rents", "shopx", fmt.Sprintf(body, "X-2")); a.status != http.StatusCreated {
		t.Fatalf("same shop, same recipient: %d %s", a.status, a.body)
	}
}
