package shopapi

import (
	"net/http"

	"pudo/app/central/store"
)

// handler serves one route for an authenticated caller (p is zero on the
// routes that need no key). Returning an error writes it as JSON.
type handler func(s *Server, w http.ResponseWriter, r *http.Request, p principal) error

// route is one entry of the API. The list below is the whole API: the mux
// is built from it and a test holds it and openapi.json to each other.
type route struct {
	method, pattern string
	scope           string // the key's scope needed; "": anyone, without a key
	handle          handler
}

// Scopes a shop's key may hold (one or several): store.ShopScopes, which
// `pudo central shop key` gives.
var (
	ScopeBookings = store.ShopScopes[0] // book, cancel, extend
	ScopeRead     = store.ShopScopes[1] // bookings, events, lockers
	ScopeWebhooks = store.ShopScopes[2] // the shop's endpoints and parked deliveries
	Scopes        = store.ShopScopes
)

var routes = []route{
	{"GET", "/healthz", "", (*Server).health},
	{"GET", "/v1/openapi.json", "", (*Server).openAPI},
	{"GET", "/v1/lockers", ScopeRead, (*Server).lockers},
	{"POST", "/v1/bookings", ScopeBookings, (*Server).book},
	{"GET", "/v1/bookings", ScopeRead, (*Server).listBookings},
	{"GET", "/v1/bookings/{id}", ScopeRead, (*Server).getBooking},
	{"DELETE", "/v1/bookings/{id}", ScopeBookings, (*Server).cancel},
	{"POST", "/v1/bookings/{id}/extend", ScopeBookings, (*Server).extend},
	{"GET", "/v1/events", ScopeRead, (*Server).events},
	{"GET", "/v1/webhooks", ScopeWebhooks, (*Server).listWebhooks},
	{"POST", "/v1/webhooks", ScopeWebhooks, (*Server).addWebhook},
	{"DELETE", "/v1/webhooks/{id}", ScopeWebhooks, (*Server).deleteWebhook},
	{"GET", "/v1/webhooks/parked", ScopeWebhooks, (*Server).parked},
	{"POST", "/v1/webhooks/parked/{id}/retry", ScopeWebhooks, (*Server).retryParked},
}
