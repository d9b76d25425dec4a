package models

import "github.com/statecraft/statecraft/models/datadao"

func init() {
	mustRegister(Entry{Name: datadao.Name, Doc: "grassroots data DAO: five member types joining in waves, a dDT/xDAI constant-product pool, compute spending into The Pie and its 70% payout (40/40/20)", Build: datadao.New})
}
