package fleet

import (
	"context"
	"errors"
	"fmt"

	"pudo/app/core"
	"pudo/app/cred"
)

// revoke applies the operator's revocation list through the core, which
// keeps the newest version: a newer list replaces the one applied, the
// same list again changes nothing, an older one is refused.
func (l *Link) revoke(ctx context.Context, target string, key cred.PublicKey, c Command, res Result) Result {
	list, err := decodeRevocations(c.Revocations)
	if err != nil {
		return refuse(res, "bad_command", err.Error())
	}
	cur, err := l.core.Revocations(ctx)
	if err != nil {
		return l.errResult(res, err)
	}
	res.RevocationVersion = cur.Version
	if list.Version < cur.Version {
		return refuse(res, "stale", fmt.Sprintf("revocation list %d is applied here; %d is older and was not applied", cur.Version, list.Version))
	}
	err = l.core.SetRevocations(ctx, list)
	if errors.Is(err, core.ErrStaleRevocations) {
		return refuse(res, "stale", fmt.Sprintf("revocation list %d is applied here with other entries: a version names one list, so send the new one as %d",
			cur.Version, cur.Version+1))
	}
	if err != nil {
		return l.errResult(res, err)
	}
	res = ok(res)
	res.RevocationVersion, res.State = list.Version, "applied"
	if list.Version == cur.Version {
		res.State, res.Message = "unchanged", fmt.Sprintf("revocation list %d was applied already", list.Version)
		return res
	}
	l.log.Info("fleet: revocation list applied", "version", list.Version, "previous", cur.Version, "tokens", len(list.Tokens),
		"subjects", len(list.Subjects), "keys", len(list.Keys), "signed_by", key.ID(), "fleet_wide", target == allLockers)
	signal(l.force, false) // health says the new version
	return res
}
