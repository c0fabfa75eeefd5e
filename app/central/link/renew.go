package link

import (
	"context"
	"encoding/json"
	"errors"

	"pudo/app/central/enrol"
	"pudo/app/fleet"
)

// Renewal over the link (the locker's side is app/fleet's renew.go): a
// locker whose certificate nears its end publishes a certificate request
// on its cert/req; central answers on its cert/res with a certificate for
// the locker the topic names, which the broker authorised with the
// current certificate. The request's common name must be that locker.

// sufCertReq is the topic of renewal requests below a locker's tree.
const sufCertReq = "cert/req"

// renew answers one request once the batch holding it is stored.
func (in *Ingest) renew(ctx context.Context, locker string, payload []byte) {
	var req fleet.CertRequest
	res := fleet.CertResponse{}
	switch {
	case json.Unmarshal(payload, &req) != nil:
		res.Error = "not a certificate request"
	case req.Locker != locker:
		res.Error = "the request names another locker than its topic"
	default:
		res.RequestID = req.RequestID
		cert, err := enrol.Renew(ctx, in.st, in.cfg.CA, locker, []byte(req.CSR))
		if errors.Is(err, enrol.ErrRefused) {
			res.Error = err.Error()
		} else if err != nil {
			in.log.Error("central: certificate not renewed", "locker", locker, "err", err)
			res.Error = "central could not issue the certificate; it is logged there"
		} else {
			res.Certificate, res.CA = string(cert), string(in.cfg.CA.PEM)
			in.log.Info("central: certificate renewed", "locker", locker)
		}
	}
	body, _ := json.Marshal(res)
	in.mu.Lock()
	cm := in.cm
	in.mu.Unlock()
	t := fleet.Topics{Fleet: in.cfg.Fleet, Locker: locker}
	if err := publish(ctx, cm, t.CertRes(), body, false, res.RequestID); err != nil {
		in.log.Warn("central: certificate answer not sent", "locker", locker, "err", err)
	}
}
