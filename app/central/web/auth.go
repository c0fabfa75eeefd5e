package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"pudo/app/central/store"
	"pudo/app/httpapi"
	"pudo/app/passhash"
)

// Roles (store.Roles), in rank order.
const (
	roleRead     = "read"
	roleOperator = "operator"
	roleAdmin    = "admin"
)

func rank(role string) int {
	switch role {
	case roleRead:
		return 1
	case roleOperator:
		return 2
	case roleAdmin:
		return 3
	}
	return 0
}

// sessionCookie is the session's cookie. __Host- makes the browser keep it
// only from this host, over a secure connection (https, or loopback), for
// the whole site, so no other site or subdomain can set or read it.
const sessionCookie = "__Host-pudo-session"

// page handler for a signed-in operator.
type pageFunc func(w http.ResponseWriter, r *http.Request, ss *store.Session)

// signedIn serves h for a session whose role is at least role: a page
// without one goes to the login, a form without one or without its form
// token is refused, and an account below the role is told so.
func (s *Server) signedIn(role string, h pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ss, ok := s.session(r)
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, http.StatusForbidden, "Signed out", "Your session has ended; log in again. Nothing was done.")
			return
		}
		if r.Method != http.MethodGet && !s.formToken(r, ss) {
			s.log.Warn("web: a form without its token refused", "operator", ss.Operator.Name, "path", r.URL.Path)
			s.fail(w, r, http.StatusForbidden, "Refused", "This form lacks its token (it may be from another page or site); nothing was done. Reload the page and try again.")
			return
		}
		if rank(ss.Operator.Role) < rank(role) {
			s.fail(w, r, http.StatusForbidden, "Read-only account", "Your account ("+ss.Operator.Role+") can look but not change anything; nothing was done.")
			return
		}
		h(w, r, &ss)
	})
}

func (s *Server) session(r *http.Request) (store.Session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) > 128 {
		return store.Session{}, false
	}
	now := s.cfg.Now()
	ss, err := s.st.SessionByHash(r.Context(), tokenHash(c.Value), now, now.Add(-s.cfg.SessionIdle))
	if err != nil {
		switch {
		case errors.Is(err, store.ErrNotFound):
		case httpapi.ClientGone(r, err):
			s.log.Info("web: client went away", "path", r.URL.Path)
		default:
			s.log.Error("web: session not read", "err", err)
		}
		return store.Session{}, false
	}
	return ss, true
}

// formToken checks the form's token against the session's, in constant
// time.
func (s *Server) formToken(r *http.Request, ss store.Session) bool {
	got, err := base64.RawURLEncoding.DecodeString(r.PostFormValue("csrf"))
	return err == nil && subtle.ConstantTimeCompare(got, ss.CSRF) == 1
}

func csrfField(ss *store.Session) string { return base64.RawURLEncoding.EncodeToString(ss.CSRF) }

func tokenHash(tok string) []byte {
	sum := sha256.Sum256([]byte(tok))
	return sum[:]
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

type loginData struct {
	Name, Next, Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.session(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", nil, "Log in", loginData{Next: r.URL.Query().Get("next")})
}

// login checks a name and password. An unknown name costs the same hash
// as a known one, and gets the same answer as a wrong password; failures
// spend the name's and the address's budget, and past it nothing is
// checked until the budget is back.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	pw := r.PostFormValue("password")
	next := r.PostFormValue("next")
	byName, byAddr := "name:"+strings.ToLower(name), httpapi.AddrOf(r)
	for _, c := range []string{byName, byAddr} {
		if wait, blocked := s.logins.Blocked(c); blocked {
			s.log.Warn("web: login throttled", "name", name, "remote", r.RemoteAddr)
			s.render(w, r, http.StatusTooManyRequests, "login", nil, "Log in", loginData{Name: name, Next: next,
				Error: "Too many failed logins for this account or from this address. Try again in " + (wait + time.Second).Truncate(time.Second).String() + "."})
			return
		}
	}
	op, err := s.st.OperatorByName(r.Context(), name)
	hash := op.PasswordHash
	if err != nil || hash == "" || len(name) > 64 || len(pw) > 1024 {
		hash = s.dummyPwd
	}
	ok := passhash.Match(pw, hash) && err == nil && op.PasswordHash != "" && !op.Disabled
	if !ok {
		if httpapi.ClientGone(r, err) {
			s.log.Info("web: client went away", "path", r.URL.Path)
			return
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.Error("web: login: account not read", "err", err)
		}
		s.logins.Spend(byName)
		s.logins.Spend(byAddr)
		s.log.Warn("web: login failed", "name", name, "remote", r.RemoteAddr)
		s.render(w, r, http.StatusUnauthorized, "login", nil, "Log in", loginData{Name: name, Next: next, Error: "Wrong name or password."})
		return
	}
	tok := base64.RawURLEncoding.EncodeToString(random(32))
	now := s.cfg.Now()
	if err := s.st.AddSession(r.Context(), tokenHash(tok), op.ID, random(32), now, now.Add(s.cfg.SessionMax), r.RemoteAddr); err != nil {
		if httpapi.ClientGone(r, err) {
			s.log.Info("web: client went away", "path", r.URL.Path)
			return
		}
		s.log.Error("web: session not kept", "err", err)
		s.fail(w, r, http.StatusInternalServerError, "Not logged in", "Central could not keep your session; try again.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		MaxAge: int(s.cfg.SessionMax / time.Second)})
	s.log.Info("web: logged in", "operator", op.Name, "role", op.Role, "remote", r.RemoteAddr)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, ss *store.Session) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.st.DeleteSession(r.Context(), tokenHash(c.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	s.log.Info("web: logged out", "operator", ss.Operator.Name)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a redirect after login on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
