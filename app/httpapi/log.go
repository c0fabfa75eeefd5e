package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// ClientGone says whether err is the request's own context ended because
// its client went away (a browser's aborted load, a closed connection):
// nobody is there for the answer, and nothing failed here, so it is no
// error to log as one. A deadline of the handler's own, or any other
// error, is not.
func ClientGone(r *http.Request, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(r.Context().Err(), context.Canceled)
}

// RequestInfo is what the log line of a request says, filled in as the
// request goes through. It never holds a key, a body or a code.
type RequestInfo struct {
	ID, Route, Key, ErrCode string
}

type infoKey struct{}

// InfoOf is the request's RequestInfo (a blank one outside Logged).
func InfoOf(ctx context.Context) *RequestInfo {
	if i, ok := ctx.Value(infoKey{}).(*RequestInfo); ok {
		return i
	}
	return &RequestInfo{}
}

// Recorder remembers a response's status and size.
type Recorder struct {
	http.ResponseWriter
	Status int
	Bytes  int64
}

// WriteHeader records the first status.
func (r *Recorder) WriteHeader(code int) {
	if r.Status == 0 {
		r.Status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *Recorder) Write(b []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.Bytes += int64(n)
	return n, err
}

// Logged logs one line per request, gives each a Pudo-Request-Id, and
// turns a panic into a 500 (onPanic writes it), so one bad request cannot
// take the server down with it; done, when set, hears each status.
func Logged(log *slog.Logger, next http.Handler, onPanic func(w http.ResponseWriter, r *http.Request, err error), done func(status int)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &RequestInfo{ID: requestID()}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		rec := &Recorder{ResponseWriter: w}
		rec.Header().Set("Pudo-Request-Id", info.ID)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("api handler panicked", "req_id", info.ID, "route", info.Route, "panic", v)
				if rec.Status == 0 {
					onPanic(rec, r, fmt.Errorf("panic: %v", v))
				}
			}
			if done != nil {
				done(rec.Status)
			}
			// A 500 for a client that went away is no failure: the
			// handler's own log says what ended it.
			level := slog.LevelInfo
			if rec.Status >= 500 && !errors.Is(r.Context().Err(), context.Canceled) {
				level = slog.LevelError
			}
			// The path, never the query (parcel references) or headers (keys).
			log.LogAttrs(r.Context(), level, "api request", slog.String("req_id", info.ID),
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", info.Route),
				slog.Int("status", rec.Status), slog.String("key", info.Key), slog.String("error", info.ErrCode),
				slog.Int64("bytes", rec.Bytes), slog.Duration("took", time.Since(start)), slog.String("remote", r.RemoteAddr))
		}()
		next.ServeHTTP(rec, r)
	})
}

func requestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
