package voice

import (
	"fmt"
	"strings"

	"pudo/app"
)

// Wayfinding is where things are on the locker's front as a person
// standing at the screen meets them (config [locker.wayfinding]), to say
// the way to a door and to the scanner. Heights are in centimetres from
// the floor.
type Wayfinding struct {
	// Columns places each column of doors, left to right, counted in
	// columns from the screen: negative to its left, positive to its
	// right, 0 for a column of doors above or below the screen. Empty: the
	// doors are said by column and row from the top-left instead.
	Columns []int `toml:"columns"`
	// Plinth is the height of the bottom of each column's lowest door.
	Plinth int `toml:"plinth"`
	// DoorHeights is the height of a door of each size.
	DoorHeights DoorHeights `toml:"door_heights"`
	// ScreenHeight is the height of the screen's middle.
	ScreenHeight int `toml:"screen_height"`
	// ScannerColumn and ScannerHeight place the code reader's window, the
	// column counted as in Columns.
	ScannerColumn int `toml:"scanner_column"`
	ScannerHeight int `toml:"scanner_height"`
}

// DoorHeights are door heights by size.
type DoorHeights struct {
	S int `toml:"S"`
	M int `toml:"M"`
	L int `toml:"L"`
}

func (h DoorHeights) of(size byte) int {
	switch size {
	case 'S':
		return h.S
	case 'M':
		return h.M
	}
	return h.L
}

// DemoWayfinding is the demo locker's front: two columns of doors each
// side of the screen.
func DemoWayfinding() Wayfinding {
	return Wayfinding{Columns: []int{-2, -1, 1, 2}, Plinth: 10, DoorHeights: DoorHeights{S: 20, M: 30, L: 40},
		ScreenHeight: 140, ScannerColumn: 0, ScannerHeight: 105}
}

// Validate checks the layout against the columns of doors (their sizes,
// left to right, top to bottom).
func (w Wayfinding) Validate(columns []string) error {
	const key = "locker.wayfinding"
	switch {
	case len(w.Columns) != 0 && len(w.Columns) != len(columns):
		return app.ConfigErrorf(key+".columns", "%d places for %d columns of doors: give one per column, or none", len(w.Columns), len(columns))
	case w.Plinth < 0 || w.Plinth > 250:
		return app.ConfigErrorf(key+".plinth", "must be 0..250 (cm)")
	case w.DoorHeights.S <= 0 || w.DoorHeights.M <= 0 || w.DoorHeights.L <= 0:
		return app.ConfigErrorf(key+".door_heights", "every size needs a height in cm")
	case w.ScreenHeight < 30 || w.ScreenHeight > 250:
		return app.ConfigErrorf(key+".screen_height", "must be 30..250 (cm)")
	case w.ScannerHeight < 10 || w.ScannerHeight > 250:
		return app.ConfigErrorf(key+".scanner_height", "must be 10..250 (cm)")
	}
	for i := 1; i < len(w.Columns); i++ {
		if w.Columns[i] <= w.Columns[i-1] {
			return app.ConfigErrorf(key+".columns", "%v must grow from left to right, each place once", w.Columns)
		}
	}
	return nil
}

// Cabinet is a Wayfinding applied to the locker's columns of doors.
type Cabinet struct {
	w     Wayfinding
	sizes []string
}

// Cabinet applies w to the columns of doors, their sizes (S, M or L) from
// top to bottom, left to right, as in config locker.columns.
func (w Wayfinding) Cabinet(sizes []string) Cabinet {
	norm := make([]string, len(sizes))
	for i, s := range sizes {
		norm[i] = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	}
	return Cabinet{w: w, sizes: norm}
}

// Place is where a door is: FromScreen counted as in Wayfinding.Columns
// (Known false when the layout does not say), Height of its middle.
type Place struct {
	FromScreen int
	Height     int
	Known      bool
}

// DoorPlace is where the door at column col (1.., left to right) and row
// row (1.., top to bottom) is, as the doors are numbered.
func (c Cabinet) DoorPlace(col, row int) (Place, bool) {
	if col < 1 || col > len(c.sizes) || row < 1 || row > len(c.sizes[col-1]) {
		return Place{}, false
	}
	sizes := c.sizes[col-1]
	h := c.w.Plinth
	for i := len(sizes) - 1; i >= row; i-- { // the doors below, bottom up
		h += c.w.DoorHeights.of(sizes[i])
	}
	h += c.w.DoorHeights.of(sizes[row-1]) / 2
	p := Place{Height: h}
	if len(c.w.Columns) == len(c.sizes) {
		p.FromScreen, p.Known = c.w.Columns[col-1], true
	}
	return p, true
}

// DoorWay is the way to door number door at col, row: "Door 14, two
// columns to your right, at waist height", or by column and row from the
// top-left when the layout has no places.
func (c Cabinet) DoorWay(door, col, row int) Phrase {
	p, ok := c.DoorPlace(col, row)
	if !ok || !p.Known {
		return Say(SpokenPrefix+"door.grid", "Door", door, "Col", col, "Row", row)
	}
	return Say(SpokenPrefix+"door.where", "Door", door, "Column", c.side(p.FromScreen, p.Height), "Height", heightBand(p.Height))
}

// ScannerWay is where the code reader is: "The scanner is below the
// screen, at waist height."
func (c Cabinet) ScannerWay() Phrase {
	return Say(SpokenPrefix+"scanner.where", "Place", c.side(c.w.ScannerColumn, c.w.ScannerHeight),
		"Height", heightBand(c.w.ScannerHeight))
}

// side says a column's place from the screen; in the screen's own column,
// above or below it.
func (c Cabinet) side(from, height int) Phrase {
	switch {
	case from == 0 && height >= c.w.ScreenHeight:
		return Say(SpokenPrefix + "col.above")
	case from == 0:
		return Say(SpokenPrefix + "col.below")
	}
	dir, n := "right", from
	if from < 0 {
		dir, n = "left", -from
	}
	if n > 4 { // plural rules differ past four; a number reads the same in all five
		return Say(SpokenPrefix+"col."+dir+".many", "N", n)
	}
	return Say(fmt.Sprintf("%scol.%s.%d", SpokenPrefix, dir, n))
}

// heightBands name heights by the body of a standing adult, which a blind
// person reaches to without measuring: the band's upper bound in cm.
var heightBands = []struct {
	below int
	name  string
}{
	{35, "floor"}, {70, "knee"}, {110, "waist"}, {140, "chest"}, {165, "shoulder"}, {185, "head"},
}

func heightBand(cm int) Phrase {
	for _, b := range heightBands {
		if cm < b.below {
			return Say(SpokenPrefix + "height." + b.name)
		}
	}
	return Say(SpokenPrefix + "height.above")
}

// SpokenWayKeys are the catalogue keys the way to a door is said with, for
// the translation test.
func SpokenWayKeys() []string {
	keys := []string{"door.where", "door.grid", "scanner.where", "col.above", "col.below",
		"col.left.many", "col.right.many", "height.above"}
	for _, b := range heightBands {
		keys = append(keys, "height."+b.name)
	}
	for n := 1; n <= 4; n++ {
		keys = append(keys, fmt.Sprintf("col.left.%d", n), fmt.Sprintf("col.right.%d", n))
	}
	for i := range keys {
		keys[i] = SpokenPrefix + keys[i]
	}
	return keys
}

// PlacesKnown reports whether the layout places every column of doors
// from the screen (Wayfinding.Columns).
func (c Cabinet) PlacesKnown() bool { return len(c.w.Columns) == len(c.sizes) && len(c.sizes) > 0 }

// DoorHeight is the height of a door of size z, in cm.
func (c Cabinet) DoorHeight(z app.Size) int {
	if z == "" {
		return 0
	}
	return c.w.DoorHeights.of(string(z)[0])
}

// ScreenPlace is where the screen's middle is.
func (c Cabinet) ScreenPlace() Place { return Place{Height: c.w.ScreenHeight, Known: true} }

// ScannerPlace is where the code reader's window is.
func (c Cabinet) ScannerPlace() Place {
	return Place{FromScreen: c.w.ScannerColumn, Height: c.w.ScannerHeight, Known: true}
}

// Columns is how many columns of doors the cabinet has; 0 for a Cabinet
// not made by Wayfinding.Cabinet.
func (c Cabinet) Columns() int { return len(c.sizes) }

// ColumnSizes are the sizes of doors, column by column left to right, top
// to bottom, as Wayfinding.Cabinet takes them.
func ColumnSizes(doors []app.Door) []string {
	var cols []string
	for _, d := range doors {
		for len(cols) < d.Col {
			cols = append(cols, "")
		}
		if d.Col >= 1 {
			c := []byte(cols[d.Col-1])
			for len(c) < d.Row {
				c = append(c, ' ')
			}
			c[d.Row-1] = string(d.Size)[0]
			cols[d.Col-1] = string(c)
		}
	}
	return cols
}
