package shopapi

import (
	"context"
	"time"

	"pudo/app/httpapi"
)

// For the tests: the route table, the JSON shapes, the error budget.

type RouteInfo struct{ Method, Pattern, Scope string }

func Routes() []RouteInfo {
	var out []RouteInfo
	for _, r := range routes {
		out = append(out, RouteInfo{r.method, r.pattern, r.scope})
	}
	return out
}

var (
	OpenAPIDoc  = openAPIDoc
	EventKinds  = eventKinds
	States      = bookingStates
	EventJSON   = eventJSON{}
	BookingJSON = bookingJSON{}
)

// ForgiveAll resets every client's error budget.
func (s *Server) ForgiveAll() { s.throttle.Reset() }

// PostTo makes one delivery with the server's webhook client.
func (s *Server) PostTo(url string, secret, body []byte, at time.Time) error {
	return httpapi.PostWebhook(context.Background(), s.webhookClient(), httpapi.Delivery{URL: url, Secret: secret, EventID: "1", Kind: "test", Body: body, At: at})
}
