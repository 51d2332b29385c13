package classroom

import (
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
)

// HostAddr is an address of one of the machine's network interfaces.
type HostAddr struct {
	Iface string
	IP    netip.Addr
}

// MachineAddrs returns the addresses of the interfaces that are up and
// running (a cable plugged in, Wi-Fi joined), loopback left out.
func MachineAddrs() ([]HostAddr, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("list network interfaces: %w", err)
	}
	var out []HostAddr
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagRunning == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				if ip, ok := netip.AddrFromSlice(n.IP); ok {
					out = append(out, HostAddr{Iface: ifc.Name, IP: ip.Unmap()})
				}
			}
		}
	}
	return out, nil
}

// JoinURL is a URL students can open, and the interface it is on (client
// text of a sort: the name is the machine's, but escape it anyway).
type JoinURL struct {
	URL   string
	Iface string
}

// JoinURLs returns the URLs a student's device can reach the server at,
// for a server listening on host and port: one for each address of the
// machine that another device could reach (not loopback, link-local,
// multicast or unspecified), IPv4 first. A server listening on one address
// is reached at that address alone; on 0.0.0.0, at IPv4 addresses only;
// on "" or "::", at both.
func JoinURLs(host, port string, addrs []HostAddr) []JoinURL {
	var only netip.Addr
	v4only := false
	if ip, err := netip.ParseAddr(host); err == nil {
		switch {
		case ip == netip.IPv4Unspecified():
			v4only = true
		case !ip.IsUnspecified():
			only = ip.Unmap()
		}
	}
	var out []JoinURL
	var ips []netip.Addr
	seen := map[netip.Addr]bool{}
	for _, a := range addrs {
		ip := a.IP.Unmap()
		switch {
		case seen[ip], !ip.IsValid(), ip.IsLoopback(), ip.IsLinkLocalUnicast(), ip.IsMulticast(), ip.IsUnspecified(),
			v4only && !ip.Is4(), only.IsValid() && ip != only:
			continue
		}
		seen[ip] = true
		out = append(out, JoinURL{URL: "http://" + net.JoinHostPort(ip.String(), port) + "/", Iface: a.Iface})
		ips = append(ips, ip)
	}
	if only.IsValid() && len(out) == 0 && !only.IsLoopback() && !only.IsLinkLocalUnicast() {
		// Listening on an address no interface reported: trust the user.
		out = append(out, JoinURL{URL: "http://" + net.JoinHostPort(only.String(), port) + "/"})
		ips = append(ips, only)
	}
	// IPv4 first: every device on a LAN has it; the order is otherwise
	// the interfaces'.
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	v6 := func(i int) int {
		if ips[i].Is6() {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(v6(a), v6(b)) })
	sorted := make([]JoinURL, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}

// Join is how the class reaches the server, for a view to show: the
// URLs, a QR code of the first, and what the server promises them.
type Join struct {
	// URLs are where students' devices reach the server, IPv4 first; none
	// when the machine has no address beyond loopback.
	URLs []JoinURL
	// QR is the QR code of URLs[0], as lines of half blocks (tui/qrtext);
	// nil when there is no URL.
	QR []string
	// Local is the URL on this machine.
	Local string
	// KeyNote says where the session key came from, never the key;
	// Warning, when set, is to be shown loudly (the lesson's public key).
	KeyNote, Warning string
	// Rate and Burst are each computer's request budget.
	Rate  float64
	Burst int
}

// Notes are what the class is told besides where to join, a sentence or
// two each and unwrapped, for a view to wrap to its width: the session
// key (where it came from, never the key), /me and each computer's
// budget, and that the tutor's stage is the whole class's. The key's
// note is the program's own text, but a view escapes it anyway.
func (j *Join) Notes() []string {
	return []string{
		"Session key: " + strings.Join(strings.Fields(j.KeyNote), " ") + ".",
		fmt.Sprintf("Each student sees their own session at /me. Each computer may send %g requests a second (%d at once).", j.Rate, j.Burst),
		"The stage you choose applies to the whole class at once.",
	}
}
