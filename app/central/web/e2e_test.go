package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"pudo/app/central/fleettest"
	"pudo/app/central/shopapi"
	"pudo/app/central/web"
	"pudo/app/httpapi"
	"pudo/app/passhash"
)

// A shop books through the network's API at a real kiosk, and the
// operator sees it on the dashboard: the parcel with its shop under
// Parcels, and its door drawn booked on the locker's page.
func TestShopBookingShowsOnTheDashboard(t *testing.T) {
	f := fleettest.New(t, pg(t))
	ctx := context.Background()
	f.Kiosk("K1", "SSMM")
	api := shopapi.New(shopapi.Config{}, f.Store, f.Central, fleettest.Log())
	actx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { api.Run(actx) })
	apiSrv := httptest.NewServer(api.Handler())
	defer func() { apiSrv.Close(); cancel(); wg.Wait() }()
	sh, err := f.Store.AddShop(ctx, "shopx")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := httpapi.NewKey()
	if err := f.Store.AddShopKey(ctx, sh.ID, "web", httpapi.KeyDigest(key), []string{"bookings", "read"}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", apiSrv.URL+"/v1/bookings", strings.NewReader(`{"locker":"K1","size":"M","parcel_ref":"E2E-1"}`))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "e2e-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("book: %d %s", resp.StatusCode, body)
	}
	if _, err := f.Store.AddOperator(ctx, operatorName, "read", passhash.Hash(operatorPass, cheap)); err != nil {
		t.Fatal(err)
	}
	w, err := web.New(web.Config{}, f.Store, fleettest.Log())
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(w.Handler())
	defer hs.Close()
	s := &site{t: t, st: f.Store, srv: hs}
	c := s.client(operatorName, operatorPass)
	f.WaitFor("the parcel under Parcels with its shop", func() bool {
		p := c.get("/parcels?shop=shopx")
		return strings.Contains(p.body, "E2E-1") && strings.Contains(p.body, "st-booked")
	})
	f.WaitFor("its door drawn booked on K1's page", func() bool {
		return strings.Contains(c.get("/lockers/K1").body, `class="door u2 held"`)
	})
}
