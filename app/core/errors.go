package core

import (
	"errors"
	"fmt"

	"pudo/app"
	"pudo/storage"
)

// stateError names what a rent's actual state means to someone who needed
// it in another state.
func stateError(s storage.RentState) error {
	switch s {
	case storage.RentReserved:
		return app.ErrNotStored
	case storage.RentStored:
		return app.ErrAlreadyStored
	case storage.RentCollected:
		return app.ErrAlreadyCollected
	case storage.RentExpired:
		return app.ErrExpired
	case storage.RentReclaimed:
		return app.ErrReclaimed
	case storage.RentCancelled:
		return app.ErrCancelled
	}
	return fmt.Errorf("core: rent in unknown state %q", s)
}

// need checks that r is in state want, naming the state it is in otherwise.
func need(r storage.Rent, want storage.RentState) error {
	if r.State == want {
		return nil
	}
	return fmt.Errorf("rent %d: %w", r.ID, stateError(r.State))
}

// notFound maps the store's ErrNotFound to the app's, keeping the detail.
func notFound(err error) error {
	if errors.Is(err, storage.ErrNotFound) && !errors.Is(err, app.ErrNotFound) {
		return fmt.Errorf("%w: %w", app.ErrNotFound, err)
	}
	return err
}
