package models

import "github.com/statecraft/statecraft/models/statusstorage"

func init() {
	mustRegister(Entry{Name: statusstorage.Name, Doc: "the Status storage network: Kademlia overlay, routing under bandwidth, storage, payment splits, escrow, a learning incentive and a treasury", Build: statusstorage.New})
}
