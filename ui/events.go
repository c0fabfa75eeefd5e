package ui

import (
	"strings"

	"pudo/app"
)

// eventText says what an audit event records, in the current language:
// "event." + its kind, with its door; an opening adds what it was for.
// A kind this version does not know is named as it is.
func eventText(e app.Event) string {
	key := "event." + string(e.Kind)
	if _, ok := texts["en"][key]; !ok {
		return string(e.Kind)
	}
	s := trf(key, "Door", e.DoorID)
	if strings.HasPrefix(string(e.Kind), "door.open") {
		if p := "purpose." + e.Detail; e.Detail != "" && hasText(p) {
			s += " (" + tr(p) + ")"
		}
	}
	return s
}

// actorText names who did something: a shopper, a courier, a staff
// member, the locker itself.
func actorText(actor string) string {
	kind, name, _ := strings.Cut(actor, ":")
	if name == "?" {
		return tr("actor.unknown") // a wrong PIN names nobody
	}
	key := "actor." + kind
	if !hasText(key) {
		return actor
	}
	return trf(key, "Name", name)
}

// hasText reports whether the catalogue has a text for key.
func hasText(key string) bool {
	_, ok := texts["en"][key]
	return ok
}

// eventKeys are the catalogue keys of every event kind, for the
// translation test.
func eventKeys() []string {
	var keys []string
	for _, k := range app.EventKinds {
		keys = append(keys, "event."+string(k))
	}
	return keys
}

// purposes are the reasons an opening is logged with.
var purposes = []app.Purpose{app.PurposePickup, app.PurposePickupQR, app.PurposePickupRemote, app.PurposeReopen,
	app.PurposeDropOff, app.PurposeReclaim, app.PurposeReturnCollect, app.PurposeStaff, app.PurposeInventory,
	app.PurposeDoorTest}

// actors are the kinds of actor the log names.
var actors = []string{"shopper", "system", "courier", "staff", "operator", "api", "backoffice"}
