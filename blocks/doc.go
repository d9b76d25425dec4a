// Package blocks is the library of reusable mechanisms that declarative
// model files use by name (use = "process.gbm"): the definition of a block
// (Def, Arg), the Binding through which a block reads its arguments, the
// input types the families' Go functions take (Input, IntInput, ...), and
// the Registry that maps names to definitions.
//
// A block is either a policy, which emits signals, or an update, which
// writes one state variable (its target). It declares its arguments: inputs
// it reads, each bound in the model file to an expression (a variable, a
// parameter, a signal, a constant or a formula), and, for policies, outputs
// bound to the model's signals. New receives a Binding that hands out typed
// accessors for them, resolved once when the model is loaded.
//
// Each family of blocks lives in a subpackage (process, metric, ...) that
// registers its blocks into Default when imported; blocks/all imports
// every family. Programs register their own blocks with Register before
// running the CLI, as net/http's handlers register with DefaultServeMux;
// tests and embedders can build a Registry of their own with NewRegistry
// and hand it to the model-file compiler (modelfile.Compiler).
package blocks
