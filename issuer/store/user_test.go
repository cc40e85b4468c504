package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestUserRoundTrip(t *testing.T) {
	d, _ := mustOpen(t, nil)
	u := &User{Username: "alice", PasswordHash: "h1", Email: "a@example.com", Name: "Alice"}
	if err := d.CreateUser(u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if len(u.ID) != 32 || !u.Created.Equal(fixedNow) {
		t.Errorf("id %q created %v", u.ID, u.Created)
	}
	got, err := d.User(u.ID)
	if err != nil || !reflect.DeepEqual(got, u) {
		t.Fatalf("User = %+v, %v; want %+v", got, err, u)
	}
	got, err = d.UserByName("alice")
	if err != nil || !reflect.DeepEqual(got, u) {
		t.Fatalf("UserByName = %+v, %v", got, err)
	}
	if _, err := d.UserByName("Alice"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByName is case-sensitive; got %v", err)
	}
	if err := d.SetUserPassword(u.ID, "h2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.User(u.ID); got.PasswordHash != "h2" {
		t.Errorf("password hash %q after SetUserPassword", got.PasswordHash)
	}
	if err := d.SetUserPassword("ghost", "h"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetUserPassword(unknown) = %v", err)
	}
}

func TestUsernameUnique(t *testing.T) {
	d, _ := mustOpen(t, nil)
	a := &User{Username: "bob"}
	if err := d.CreateUser(a); err != nil {
		t.Fatal(err)
	}
	if err := d.CreateUser(&User{Username: "bob"}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate username: %v", err)
	}
	if err := d.CreateUser(&User{Username: "carol"}); err != nil {
		t.Fatal(err)
	}
	users, err := d.Users()
	if err != nil || len(users) != 2 || users[0].Username != "bob" || users[1].Username != "carol" {
		t.Fatalf("Users = %+v, %v", users, err)
	}
	if err := d.DeleteUser(a.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteUser(a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if err := d.CreateUser(&User{Username: "bob"}); err != nil {
		t.Errorf("username not freed: %v", err)
	}
}

func TestUserValidate(t *testing.T) {
	tests := []struct {
		name, username, want string // want: error substring, "" for valid
	}{
		{"valid", "alice", ""},
		{"unicode", "zoë", ""},
		{"empty", "", "username is empty"},
		{"space inside", "a b", "white space"},
		{"control", "a\x00b", "control"},
		{"too long", strings.Repeat("u", 201), "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&User{Username: tt.username}).Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}
