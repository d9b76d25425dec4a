// Package robotmarbles is cadCAD's classic robot-and-marbles example, in
// integers: two boxes of marbles and two robots. Robot 1 acts at every
// timestep divisible by 2, robot 2 at every timestep divisible by 3; a robot
// that acts moves one marble from the fuller box to the emptier one. Both
// robots read the state before the block, so when they act at the same
// timestep their moves add up.
//
// The model reproduces the robot_marbles golden case of cadCAD 0.5.3
// (testdata/golden): box_A = 11, box_B = 0, one PSUB, 30 timesteps.
package robotmarbles

import "github.com/statecraft/statecraft/gds"

// Name is the model's registered name.
const Name = "robot_marbles"

// New builds the model.
func New() (*gds.Model, error) {
	b := gds.NewBuilder(Name)
	boxA := b.Int("box_A", 11, gds.Doc("marbles in box A"))
	boxB := b.Int("box_B", 0, gds.Doc("marbles in box B"))

	addA := b.IntSignal("add_to_A", gds.Sum)
	addB := b.IntSignal("add_to_B", gds.Sum)

	// robot returns a policy that acts when the timestep being computed is
	// divisible by every. It always emits both signals (0 when idle), as in
	// cadCAD, so the signals exist at every timestep.
	robot := func(name string, every int) gds.Block {
		return gds.Policy(name, func(c *gds.Ctx) {
			var d int64 // marbles added to A by this robot
			if c.T%every == 0 {
				a, bb := boxA.Get(c), boxB.Get(c)
				switch {
				case a > bb:
					d = -1
				case a < bb:
					d = 1
				}
			}
			addA.Emit(c, d)
			addB.Emit(c, -d)
		})
	}

	b.PSUB("robots",
		robot("robot_1", 2),
		robot("robot_2", 3),
		boxA.Update(func(c *gds.Ctx) int64 { return boxA.Get(c) + addA.Get(c) }),
		boxB.Update(func(c *gds.Ctx) int64 { return boxB.Get(c) + addB.Get(c) }),
	)
	return b.Build()
}
