package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A webhook delivery is one POST of one event's JSON, signed
// (SignatureHeader) and named (Pudo-Event-Id, Pudo-Event-Kind); only a 2xx
// answer counts as delivered. Deliveries are at least once: receivers
// deduplicate on Pudo-Event-Id.

// WebhookClient is the HTTP client of deliveries: no redirects (following
// one would send events somewhere nobody configured), a timeout per
// attempt, and the transport given (nil: the default).
func WebhookClient(timeout time.Duration, rt http.RoundTripper) *http.Client {
	return &http.Client{Timeout: timeout, Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Delivery is one attempt's content.
type Delivery struct {
	URL     string
	Secret  []byte
	EventID string
	Kind    string
	Body    []byte
	At      time.Time // signing time
}

// PostWebhook makes one attempt.
func PostWebhook(ctx context.Context, c *http.Client, d Delivery) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, strings.NewReader(string(d.Body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "pudo-webhook/1")
	req.Header.Set("Pudo-Event-Id", d.EventID)
	req.Header.Set("Pudo-Event-Kind", d.Kind)
	req.Header.Set(SignatureHeader, Sign(d.Secret, d.Body, d.At))
	resp, err := c.Do(req)
	if err != nil {
		// The URL may carry a token in its query: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("post: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}

// Backoff is the wait before attempt+1: doubling from lo to hi, with
// jitter so that many senders do not hammer a receiver that comes back in
// lockstep.
func Backoff(attempt int, lo, hi time.Duration) time.Duration {
	b := lo << min(attempt-1, 30)
	if b <= 0 || b > hi {
		b = hi
	}
	return b/2 + rand.N(b/2+1)
}
