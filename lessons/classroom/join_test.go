package classroom

import (
	"net/netip"
	"strings"
	"testing"
)

func testAddrs() []HostAddr {
	var out []HostAddr
	for _, a := range []struct{ iface, ip string }{
		{"eth0", "fe80::1"},
		{"wlan0", "2001:db8::23"},
		{"wlan0", "192.168.1.23"},
		{"eth0", "169.254.3.4"},
		{"eth0", "10.0.0.5"},
		{"lo", "127.0.0.1"},
		{"eth0", "ff02::1"},
		{"wlan0", "192.168.1.23"},
	} {
		out = append(out, HostAddr{a.iface, netip.MustParseAddr(a.ip)})
	}
	return out
}

func TestJoinURLs(t *testing.T) {
	for _, tc := range []struct {
		host string
		want string
	}{
		{"", "http://192.168.1.23:5000/ http://10.0.0.5:5000/ http://[2001:db8::23]:5000/"},
		{"::", "http://192.168.1.23:5000/ http://10.0.0.5:5000/ http://[2001:db8::23]:5000/"},
		{"0.0.0.0", "http://192.168.1.23:5000/ http://10.0.0.5:5000/"},
		{"10.0.0.5", "http://10.0.0.5:5000/"},
		{"198.51.100.9", "http://198.51.100.9:5000/"},
		{"127.0.0.1", ""},
		{"fe80::1", ""},
	} {
		var got []string
		for _, j := range JoinURLs(tc.host, "5000", testAddrs()) {
			got = append(got, j.URL)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("JoinURLs(%q) = %v, want %s", tc.host, got, tc.want)
		}
	}
	if got := JoinURLs("", "5000", nil); len(got) != 0 {
		t.Errorf("no addresses: %v", got)
	}
	if got := JoinURLs("", "5000", testAddrs()); got[0].Iface != "wlan0" || got[1].Iface != "eth0" {
		t.Errorf("interfaces = %+v", got)
	}
}

func TestMachineAddrsLeaveOutLoopback(t *testing.T) {
	addrs, err := MachineAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if a.IP.IsLoopback() || !a.IP.IsValid() || a.Iface == "" {
			t.Errorf("MachineAddrs lists %v on %q", a.IP, a.Iface)
		}
	}
}

func TestJoinNotes(t *testing.T) {
	j := &Join{KeyNote: "a random key made for this run, never shown\n(sessions end when the tutor stops; --secret-file keeps them)", Rate: 2.5, Burst: 30}
	want := []string{
		"Session key: a random key made for this run, never shown (sessions end when the tutor stops; --secret-file keeps them).",
		"Each student sees their own session at /me. Each computer may send 2.5 requests a second (30 at once).",
		"The stage you choose applies to the whole class at once.",
	}
	if got := j.Notes(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Notes() =\n%q\nwant\n%q", got, want)
	}
}
