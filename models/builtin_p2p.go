package models

import "github.com/statecraft/statecraft/models/p2p"

func init() {
	mustRegister(Entry{Name: p2p.Name, Doc: "PRSM P2P network demo: discovery with signed handshakes, heartbeats, file sharing with hash checks, BFT consensus, failure, partition, Byzantine nodes", Build: p2p.New})
}
