package app_test

import (
	"reflect"
	"testing"

	"pudo/app"
)

// TestViewsAreToldApartByPointer: the screens redraw only for a new view
// pointer, and Go may give every zero-size value the same address.
func TestViewsAreToldApartByPointer(t *testing.T) {
	views := []app.View{&app.HomeView{}, &app.OutOfOrderView{}, &app.CodeView{}, &app.ProblemView{}, &app.DoorView{},
		&app.NotOpenedView{}, &app.LeftOpenView{}, &app.GotItView{}, &app.ThanksView{}, &app.CourierMenuView{},
		&app.DropView{}, &app.BatchView{}, &app.PINView{}, &app.PINAgainView{}, &app.StaffDoorsView{},
		&app.StaffRentsView{}, &app.StaffLogView{}, &app.StaffHardwareView{}, &app.StaffSettingsView{}, &app.DoorTestView{}}
	for _, v := range views {
		if reflect.TypeOf(v).Elem().Size() == 0 {
			t.Errorf("%T has no size", v)
		}
	}
}
