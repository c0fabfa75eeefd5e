package shopapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"syscall"
	"time"

	"pudo/app/central/store"
	"pudo/app/httpapi"
)

// WebhookConfig tunes deliveries; zero values take the defaults.
type WebhookConfig struct {
	// MaxAttempts an event gets before it is parked.
	MaxAttempts int
	// BackoffMin and BackoffMax bound the wait between attempts.
	BackoffMin, BackoffMax time.Duration
	// Timeout of one attempt.
	Timeout time.Duration
	// Lease is how long an instance holds an endpoint without renewing.
	Lease time.Duration
	// AllowPlain accepts http:// endpoints; AllowPrivate lets deliveries
	// reach loopback and private addresses (a trial on one machine). Off,
	// a shop cannot make central post into the operator's own network.
	AllowPlain, AllowPrivate bool
}

func (c WebhookConfig) withDefaults() WebhookConfig {
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 8
	}
	if c.BackoffMin == 0 {
		c.BackoffMin = 2 * time.Second
	}
	if c.BackoffMax == 0 {
		c.BackoffMax = 10 * time.Minute
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Lease == 0 {
		c.Lease = 30 * time.Second
	}
	return c
}

// eventKinds are the kinds of the feed, for a webhook's filter.
var eventKinds = []string{"booking.booked", "booking.refused", "booking.cancelled",
	"rent.booked", "rent.reserved", "rent.stored", "rent.collected", "rent.expired", "rent.lapsed", "rent.reclaimed", "rent.cancelled",
	"rent.extended", "rent.moved", "rent.problem"}

type webhookRequest struct {
	URL   string   `json:"url"`
	Kinds []string `json:"kinds,omitempty"`
}

const maxWebhooks = 10

func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request, p principal) error {
	var req webhookRequest
	if err := httpapi.DecodeJSON(r, s.cfg.MaxBody, &req); err != nil {
		return err
	}
	if err := s.checkURL(req.URL); err != nil {
		return httpapi.JSONError(err)
	}
	for _, k := range req.Kinds {
		if !slices.Contains(eventKinds, k) {
			return httpapi.JSONError(&httpapi.FieldError{Field: "kinds", Msg: fmt.Sprintf("%q is not one of %v", httpapi.Clip(k), eventKinds)})
		}
	}
	have, err := s.st.Webhooks(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	if len(have) >= maxWebhooks {
		return httpapi.Errorf(http.StatusConflict, "too_many_webhooks", "a shop has at most %d endpoints; delete one first", maxWebhooks)
	}
	var b [32]byte
	rand.Read(b[:])
	secret := "whsec_" + hex.EncodeToString(b[:])
	if req.Kinds == nil {
		req.Kinds = []string{}
	}
	hook, err := s.st.AddWebhook(r.Context(), p.Shop, req.URL, []byte(secret), req.Kinds)
	if err != nil {
		return err
	}
	s.log.Info("shopapi: webhook added", "shop", p.ShopName, "webhook", hook.ID)
	w.Header().Set("Location", "/v1/webhooks/"+strconv.FormatInt(hook.ID, 10))
	httpapi.WriteJSON(w, http.StatusCreated, webhookJSON{ID: hook.ID, URL: hook.URL, Kinds: hook.Kinds, CreatedAt: hook.CreatedAt, Secret: secret})
	return nil
}

// checkURL accepts an https URL (http too when allowed) without
// credentials in it.
func (s *Server) checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || len(raw) > 2048 {
		return &httpapi.FieldError{Field: "url", Msg: "must be an absolute URL such as https://shop.example/pudo-events"}
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && s.cfg.Webhooks.AllowPlain) {
		return &httpapi.FieldError{Field: "url", Msg: "must be https://"}
	}
	if u.User != nil {
		return &httpapi.FieldError{Field: "url", Msg: "must not hold a user or password; deliveries are signed"}
	}
	return nil
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, p principal) error {
	hs, err := s.st.Webhooks(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := struct {
		Webhooks []webhookJSON `json:"webhooks"`
	}{Webhooks: []webhookJSON{}}
	for _, h := range hs {
		out.Webhooks = append(out.Webhooks, webhookJSON{ID: h.ID, URL: h.URL, Kinds: h.Kinds, CreatedAt: h.CreatedAt})
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
	return nil
}

var errNoWebhook = httpapi.Errorf(http.StatusNotFound, "not_found", "no such webhook")

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNoWebhook
	}
	if err := s.st.DeleteWebhook(r.Context(), p.Shop, id); errors.Is(err, store.ErrNotFound) {
		return errNoWebhook
	} else if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) parked(w http.ResponseWriter, r *http.Request, p principal) error {
	ps, err := s.st.ParkedOf(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := struct {
		Parked []parkedJSON `json:"parked"`
	}{Parked: []parkedJSON{}}
	for _, x := range ps {
		out.Parked = append(out.Parked, parkedJSON{ID: x.ID, Webhook: x.Webhook, EventID: x.EventPos, BookingID: x.BookingID, Kind: x.Kind,
			Attempts: x.Attempts, LastError: x.LastError, ParkedAt: x.ParkedAt, Payload: json.RawMessage(x.Payload)})
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
	return nil
}

var errNoParked = httpapi.Errorf(http.StatusNotFound, "not_found", "no such parked delivery")

// retryParked makes one more attempt at a parked delivery, and at those
// of the same booking parked with it, oldest first; it stops at the first
// failure so the receiver still sees the booking's events in order.
func (s *Server) retryParked(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNoParked
	}
	hook, group, err := s.st.ParkedGroup(r.Context(), p.Shop, id)
	if errors.Is(err, store.ErrNotFound) {
		return errNoParked
	}
	if err != nil {
		return err
	}
	client := s.webhookClient()
	for i, x := range group {
		err := httpapi.PostWebhook(r.Context(), client, httpapi.Delivery{URL: hook.URL, Secret: hook.Secret,
			EventID: strconv.FormatInt(x.EventPos, 10), Kind: x.Kind, Body: x.Payload, At: s.now()})
		if err != nil {
			s.st.SetParkedError(context.WithoutCancel(r.Context()), x.ID, err.Error())
			return httpapi.Errorf(http.StatusBadGateway, "delivery_failed", "%d delivered, then: %v", i, err)
		}
		if err := s.st.Unpark(context.WithoutCancel(r.Context()), x.ID); err != nil {
			return err
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, struct {
		Delivered int `json:"delivered"`
	}{len(group)})
	return nil
}

// webhookClient posts to shops' endpoints. Unless private addresses are
// allowed, it refuses to connect to loopback, private, link-local or
// unspecified addresses, checked on the address actually dialled (a name
// that resolves there is refused too).
func (s *Server) webhookClient() *http.Client {
	d := &net.Dialer{Timeout: s.cfg.Webhooks.Timeout}
	if !s.cfg.Webhooks.AllowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			ip := net.ParseIP(host)
			if err != nil || ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
				ip.IsUnspecified() || ip.IsMulticast() {
				return fmt.Errorf("webhook address %s is not public", address)
			}
			return nil
		}
	}
	tr := &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: s.cfg.Webhooks.Timeout, MaxIdleConnsPerHost: 2,
		IdleConnTimeout: time.Minute, ForceAttemptHTTP2: true}
	return httpapi.WebhookClient(s.cfg.Webhooks.Timeout, tr)
}
