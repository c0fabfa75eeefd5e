package enrol

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"pudo/app/central/store"
)

// Request is what a locker sends to enrol.
type Request struct {
	Locker string `json:"locker"`
	Token  string `json:"token"`
	CSR    string `json:"csr"`
}

// Response is the locker's certificate and the CA that signed it.
type Response struct {
	Certificate string `json:"certificate"`
	CA          string `json:"ca"`
}

// Handler serves POST /v1/enrol.
func Handler(st *store.Store, ca *CA, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST a JSON {locker, token, csr}", http.StatusMethodNotAllowed)
			return
		}
		var req Request
		dec := json.NewDecoder(io.LimitReader(r.Body, 16<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			http.Error(w, "body is not {locker, token, csr}", http.StatusBadRequest)
			return
		}
		cert, err := Enrol(r.Context(), st, ca, req.Locker, req.Token, []byte(req.CSR))
		if errors.Is(err, ErrRefused) {
			log.Warn("central: enrolment refused", "locker", req.Locker, "remote", r.RemoteAddr, "err", err)
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		if err != nil {
			log.Error("central: enrolment failed", "locker", req.Locker, "err", err)
			http.Error(w, "enrolment failed; see central's log", http.StatusInternalServerError)
			return
		}
		log.Info("central: locker enrolled", "locker", req.Locker)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(Response{Certificate: string(cert), CA: string(ca.PEM)})
	})
}

// Off serves POST /v1/enrol on a central without the operator's CA: a
// locker's installer, or the operator who just made a token with `pudo
// central enrol`, learns why no certificate comes and what to change,
// rather than finding no such endpoint.
func Off() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "enrolment is off: this central runs without the operator's CA (pudo central serve --ca-cert FILE --ca-key FILE)", http.StatusServiceUnavailable)
	})
}
