package models

import "embed"

// Files holds the declarative model files shipped with Statecraft, such as
// "predator_prey.toml" and "conformance/pp_det.toml". Embedded experiment
// configs refer to them by their path in the repository
// ("../models/predator_prey.toml" from configs/).
//
//go:embed *.toml conformance/*.toml
var Files embed.FS
