package api

import "net/http"

// handler serves one route for an authenticated caller (p is zero on the
// routes that need no key). Returning an error writes it as JSON.
type handler func(s *Server, w http.ResponseWriter, r *http.Request, p principal) error

// route is one entry of the API. The list below is the whole API: the mux
// is built from it and a test holds it and openapi.json to each other.
type route struct {
	method, pattern string
	scopes          []string // who may call; nil: anyone, without a key
	handle          handler
}

var (
	anyScope     = []string{ScopeMerchant, ScopeCarrier, ScopeOperator}
	shopOrStaff  = []string{ScopeMerchant, ScopeOperator}
	fleetOrStaff = []string{ScopeCarrier, ScopeOperator}
	staffOnly    = []string{ScopeOperator}
)

var routes = []route{
	{"GET", "/healthz", nil, (*Server).health},
	{"GET", "/metrics", staffOnly, (*Server).serveMetrics},
	{"GET", "/v1/openapi.json", nil, (*Server).openAPI},
	{"POST", "/v1/rents", anyScope, (*Server).book},
	{"GET", "/v1/rents", anyScope, (*Server).listRents},
	{"GET", "/v1/rents/{id}", anyScope, (*Server).getRent},
	{"DELETE", "/v1/rents/{id}", anyScope, (*Server).cancelRent},
	{"POST", "/v1/rents/{id}/open", shopOrStaff, (*Server).remoteOpen},
	{"GET", "/v1/doors", fleetOrStaff, (*Server).doors},
	{"GET", "/v1/events", anyScope, (*Server).events},
	{"GET", "/v1/webhooks/parked", staffOnly, (*Server).parked},
	{"POST", "/v1/webhooks/parked/{id}/retry", staffOnly, (*Server).retryParked},
	{"POST", "/v1/tokens", staffOnly, (*Server).issueToken},
	{"GET", "/v1/tokens", staffOnly, (*Server).listTokens},
	{"POST", "/v1/tokens/{id}/revoke", staffOnly, (*Server).revokeToken},
}
