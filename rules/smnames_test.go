package rules

import "testing"

func TestSMMethodName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"test", "Test"},
		{"test.", "Test"},
		{"Test", "Test"},
		{"getUser", "GetUser"},
		{"get.User", "GetUser"},
		{"get-user", "Getuser"},
		{"auth_info_google_jwt", "Auth_info_google_jwt"},
		{"2fa", "2fa"},
		{"...", ""},
		{"été", "T"},
	} {
		if got := smMethodName(tc.in); got != tc.want {
			t.Errorf("smMethodName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSMFieldName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"fooBar", "foo_bar"},
		{"FooBar", "foo_bar"},
		{"foo_bar", "foo_bar"},
		{"userID", "user_i_d"},
		{"X-Request-Id", "x_request_id"},
		{"shelf", "shelf"},
		{"Foo", "foo"},
		{"foo_Bar", "foo__bar"},
	} {
		if got := smFieldName(tc.in); got != tc.want {
			t.Errorf("smFieldName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
