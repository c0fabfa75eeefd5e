package web

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"pudo/app/fleet"
)

// The door grid is the locker's front as the kiosk's staff grid draws it:
// its columns, each door as tall as its size (S one unit, M two, L three),
// filled free, held (booked, no parcel yet) or occupied, with a badge for
// every other state it is in at once: open, unknown, fault, out of
// service.

var sizeUnits = map[string]int{"S": 1, "M": 2, "L": 3}

// doorBadges are the states a cell marks with a badge, in the legend's
// order.
var doorBadges = []string{"open", "unknown", "fault", "out-of-service"}

type doorCell struct {
	ID     int64
	Size   string
	Units  int
	Fill   string // free, held or occupied
	Badges []string
	Ref    string // the parcel's reference, when central has it
	RentID int64
	Title  string // the door in words, for the tooltip and screen readers
}

type doorColumn struct{ Doors []doorCell }

type doorGrid struct {
	Columns []doorColumn
	At      time.Time
	// Stale: the locker is offline, so what its doors are now is unknown;
	// the grid is its last report.
	Stale bool
	// Count is how many doors are in each fill and badge.
	Count map[string]int
}

func gridOf(d fleet.Doors, refs map[int64]string, online bool) doorGrid {
	g := doorGrid{At: d.At, Stale: !online, Count: map[string]int{}}
	cols := map[int][]doorCell{}
	var order []int
	doors := slices.Clone(d.Doors)
	slices.SortFunc(doors, func(a, b fleet.Door) int { return cmp.Or(cmp.Compare(a.Column, b.Column), cmp.Compare(a.Row, b.Row)) })
	for _, x := range doors {
		c := cellOf(x, refs[x.RentID])
		if _, ok := cols[x.Column]; !ok {
			order = append(order, x.Column)
		}
		cols[x.Column] = append(cols[x.Column], c)
		g.Count[c.Fill]++
		for _, b := range c.Badges {
			g.Count[b]++
		}
	}
	for _, n := range order {
		g.Columns = append(g.Columns, doorColumn{Doors: cols[n]})
	}
	return g
}

func cellOf(x fleet.Door, ref string) doorCell {
	c := doorCell{ID: x.ID, Size: x.Size, Units: max(1, sizeUnits[x.Size]), Fill: "free", RentID: x.RentID, Ref: ref}
	switch {
	case x.State == "reserved" || x.State == "booked":
		c.Fill = "held"
	case x.State != "free" && x.State != "out_of_service", x.RentID != 0:
		c.Fill = "occupied"
	}
	on := map[string]bool{"open": x.Sensor == "open", "unknown": x.Sensor == "unknown" || x.Sensor == "",
		"fault": x.Fault, "out-of-service": x.State == "out_of_service"}
	for _, b := range doorBadges {
		if on[b] {
			c.Badges = append(c.Badges, b)
		}
	}
	words := []string{c.Fill}
	for _, b := range c.Badges {
		words = append(words, strings.ReplaceAll(b, "-", " "))
	}
	c.Title = fmt.Sprintf("Door %d · %s · %s · sensor %s", x.ID, x.Size, strings.Join(words, ", "), cmp.Or(x.Sensor, "unknown"))
	if x.RentID != 0 {
		c.Title += fmt.Sprintf(" · rent %d", x.RentID)
		if ref != "" {
			c.Title += " (" + ref + ")"
		}
	}
	return c
}
