package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The charts are drawn by gonum/plot as SVG, inline in the page: the
// report needs no script, no network and no server, and prints as it
// shows. Legends are the page's (one per section, in HTML), so that a
// chart's area is all data.

// palette gives each scenario (or sweep point) its colour: the Tableau 10
// colours, distinct for the colour-blind in their first few.
var palette = []color.NRGBA{
	{0x4e, 0x79, 0xa7, 0xff}, {0xf2, 0x8e, 0x2b, 0xff}, {0xe1, 0x57, 0x59, 0xff}, {0x76, 0xb7, 0xb2, 0xff},
	{0x59, 0xa1, 0x4f, 0xff}, {0xed, 0xc9, 0x48, 0xff}, {0xb0, 0x7a, 0xa1, 0xff}, {0xff, 0x9d, 0xa7, 0xff},
	{0x9c, 0x75, 0x5f, 0xff}, {0xba, 0xb0, 0xac, 0xff},
}

// colour returns the i-th colour of the palette, with alpha a (0-255).
func colour(i int, a uint8) color.NRGBA {
	c := palette[i%len(palette)]
	c.A = a
	return c
}

// cssColour writes colour i as CSS.
func cssColour(i int) template.CSS {
	c := palette[i%len(palette)]
	return template.CSS(fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B))
}

// The size of a chart, in points; the page scales it to its column.
const (
	chartW     = 420
	chartH     = 240
	smallW     = 300
	smallH     = 190
	fontFamily = "Liberation"
)

var sans = font.Font{Typeface: fontFamily, Variant: "Sans"}

// newPlot returns a plot with the report's fonts and a light grid.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Title.TextStyle.Font = font.From(sans, 11)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 9)
		a.Tick.Label.Font = font.From(sans, 8)
		a.Color = color.Gray{0x88}
		a.Tick.Color = color.Gray{0x88}
	}
	p.Legend.TextStyle.Font = font.From(sans, 8)
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{0xe6}
	g.Horizontal.Color = color.Gray{0xe6}
	p.Add(g)
	return p
}

// svg draws the plot as an SVG element of w × h points.
func svg(p *plot.Plot, w, h vg.Length) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	// The canvas writes an XML document; inline SVG starts at its element.
	s := buf.String()
	if i := strings.Index(s, "<svg"); i > 0 {
		s = s[i:]
	}
	return template.HTML(s), nil // #nosec: markup gonum/plot wrote, with text it escaped
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// xys pairs x and y, leaving out points that are not finite (or, on a log
// axis, not positive).
func xys(x, y []float64, positive bool) plotter.XYs {
	out := make(plotter.XYs, 0, len(x))
	for i := range x {
		if finite(x[i]) && finite(y[i]) && (!positive || y[i] > 0) {
			out = append(out, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return out
}

// bandSeries is one coloured series of a band chart.
type bandSeries struct {
	colour int
	band   band
	line   bool // a line of the mean only (a bool variable's share of runs)
}

// bandChart draws each series' 90% band (5-95%), 50% band (25-75%) and
// median over time; log draws the y axis logarithmically.
func bandChart(title, ylabel string, series []bandSeries, log bool, w, h vg.Length) (template.HTML, error) {
	p := newPlot(title, "timestep", ylabel)
	if log {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	for _, s := range series {
		b := s.band
		if s.line {
			if err := addLine(p, xys(b.t, b.mean, log), colour(s.colour, 0xff), 1.2); err != nil {
				return "", err
			}
			continue
		}
		if b.runs > 1 {
			if err := addBand(p, b.t, b.p5, b.p95, colour(s.colour, 0x30), log); err != nil {
				return "", err
			}
			if err := addBand(p, b.t, b.p25, b.p75, colour(s.colour, 0x60), log); err != nil {
				return "", err
			}
		}
		if err := addLine(p, xys(b.t, b.p50, log), colour(s.colour, 0xff), 1.2); err != nil {
			return "", err
		}
	}
	return svg(p, w, h)
}

// addBand fills the area between lo and hi over t.
func addBand(p *plot.Plot, t, lo, hi []float64, c color.Color, log bool) error {
	var pts plotter.XYs
	for i := range t {
		if finite(t[i]) && finite(lo[i]) && finite(hi[i]) && (!log || lo[i] > 0) {
			pts = append(pts, plotter.XY{X: t[i], Y: hi[i]})
		}
	}
	n := len(pts)
	if n < 2 {
		return nil
	}
	for i := len(t) - 1; i >= 0; i-- {
		if finite(t[i]) && finite(lo[i]) && finite(hi[i]) && (!log || lo[i] > 0) {
			pts = append(pts, plotter.XY{X: t[i], Y: lo[i]})
		}
	}
	poly, err := plotter.NewPolygon(pts)
	if err != nil {
		return err
	}
	poly.Color = c
	poly.LineStyle.Width = 0
	p.Add(poly)
	return nil
}

// addLine draws a line through pts.
func addLine(p *plot.Plot, pts plotter.XYs, c color.Color, width vg.Length) error {
	if len(pts) == 0 {
		return nil
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.Color = c
	l.Width = vg.Points(float64(width))
	p.Add(l)
	return nil
}

// histSeries is one coloured distribution of a histogram.
type histSeries struct {
	colour int
	values []float64
}

// histogram draws the distributions on shared bins, each as the share of
// its values in a bin.
func histogram(title, xlabel string, series []histSeries, bins int, w, h vg.Length) (template.HTML, error) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, x := range s.values {
			if finite(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	if lo > hi {
		return "", nil
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	width := (hi - lo) / float64(bins)
	p := newPlot(title, xlabel, "share of agents")
	for _, s := range series {
		counts := make([]float64, bins)
		n := 0
		for _, x := range s.values {
			if !finite(x) {
				continue
			}
			k := min(int((x-lo)/width), bins-1)
			counts[k]++
			n++
		}
		if n == 0 {
			continue
		}
		h := &plotter.Histogram{Width: width, FillColor: colour(s.colour, 0x70), LineStyle: draw.LineStyle{Color: colour(s.colour, 0xff), Width: vg.Points(0.6)}}
		for k, c := range counts {
			h.Bins = append(h.Bins, plotter.HistogramBin{Min: lo + float64(k)*width, Max: lo + float64(k+1)*width, Weight: c / float64(n)})
		}
		p.Add(h)
	}
	return svg(p, w, h)
}

// lorenzSeries is one coloured Lorenz curve.
type lorenzSeries struct {
	colour int
	share  []float64 // cumulative share of the total at population shares 0, 1/n, ..., 1
}

// lorenzChart draws the curves against the line of equality.
func lorenzChart(title string, series []lorenzSeries, w, h vg.Length) (template.HTML, error) {
	p := newPlot(title, "share of agents (poorest first)", "share of the total")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	eq, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return "", err
	}
	eq.Color = color.Gray{0x99}
	eq.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(eq)
	for _, s := range series {
		x := make([]float64, len(s.share))
		for i := range x {
			x[i] = float64(i) / float64(len(s.share)-1)
		}
		if err := addLine(p, xys(x, s.share, false), colour(s.colour, 0xff), 1.4); err != nil {
			return "", err
		}
	}
	return svg(p, w, h)
}

// scatterSeries is one coloured set of points.
type scatterSeries struct {
	colour int
	x, y   []float64
}

// scatterChart draws the points, small and translucent so that dense
// regions read as dense.
func scatterChart(title, xlabel, ylabel string, series []scatterSeries, w, h vg.Length) (template.HTML, error) {
	p := newPlot(title, xlabel, ylabel)
	for _, s := range series {
		pts := xys(s.x, s.y, false)
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return "", err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: colour(s.colour, 0x90), Radius: vg.Points(1.6), Shape: draw.CircleGlyph{}}
		p.Add(sc)
	}
	return svg(p, w, h)
}

// interval is a value with its interval, drawn as a dot with whiskers.
type interval struct {
	colour    int
	x         float64 // position on the nominal axis (category index, offset by series)
	v, lo, hi float64
}

// intervalChart draws values with their intervals over named categories:
// pass rates with their Wilson intervals, sensitivity indices with their
// bootstrap intervals. bars draws each value as a bar under its dot.
func intervalChart(title, ylabel string, categories []string, points []interval, bars bool, w, h vg.Length) (template.HTML, error) {
	p := newPlot(title, "", ylabel)
	p.NominalX(categories...)
	if len(categories) > 3 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
	}
	p.X.Min, p.X.Max = -0.6, float64(len(categories))-0.4
	for _, pt := range points {
		if !finite(pt.v) {
			continue
		}
		if bars {
			bar := plotter.Values{pt.v}
			bc, err := plotter.NewBarChart(bar, vg.Points(10))
			if err != nil {
				return "", err
			}
			bc.XMin = pt.x
			bc.Color = colour(pt.colour, 0x90)
			bc.LineStyle.Width = 0
			p.Add(bc)
		}
		lo, hi := pt.v, pt.v
		if finite(pt.lo) && finite(pt.hi) {
			lo, hi = pt.lo, pt.hi
		}
		eb, err := plotter.NewYErrorBars(errorPoint{pt.x, pt.v, pt.v - lo, hi - pt.v})
		if err != nil {
			return "", err
		}
		eb.Color = colour(pt.colour, 0xff)
		eb.Width = vg.Points(1.2)
		eb.CapWidth = vg.Points(5)
		p.Add(eb)
		if !bars {
			sc, err := plotter.NewScatter(plotter.XYs{{X: pt.x, Y: pt.v}})
			if err != nil {
				return "", err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: colour(pt.colour, 0xff), Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
	}
	return svg(p, w, h)
}

// errorPoint is one point with asymmetric y errors.
type errorPoint struct{ x, y, low, high float64 }

func (e errorPoint) Len() int                       { return 1 }
func (e errorPoint) XY(int) (float64, float64)      { return e.x, e.y }
func (e errorPoint) YError(int) (low, high float64) { return e.low, e.high }

// boxSeries is one box of a box plot: a category's values.
type boxSeries struct {
	colour int
	values []float64
}

// boxChart draws one box (quartiles, whiskers, outliers) per category.
func boxChart(title, ylabel string, categories []string, boxes []boxSeries, w, h vg.Length) (template.HTML, error) {
	p := newPlot(title, "", ylabel)
	p.NominalX(categories...)
	if len(categories) > 2 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
	}
	for i, b := range boxes {
		var vals plotter.Values
		for _, x := range b.values {
			if finite(x) {
				vals = append(vals, x)
			}
		}
		if len(vals) == 0 {
			continue
		}
		bp, err := plotter.NewBoxPlot(vg.Points(18), float64(i), vals)
		if err != nil {
			return "", err
		}
		bp.FillColor = colour(b.colour, 0x70)
		bp.BoxStyle.Color = colour(b.colour, 0xff)
		bp.MedianStyle.Color = colour(b.colour, 0xff)
		bp.WhiskerStyle.Color = colour(b.colour, 0xff)
		bp.GlyphStyle.Color = colour(b.colour, 0xff)
		p.Add(bp)
	}
	return svg(p, w, h)
}

// traceChart draws an optimisation's objective per evaluation and the
// best so far.
func traceChart(title, ylabel string, evals, objective []float64, maximize bool, w, h vg.Length) (template.HTML, error) {
	p := newPlot(title, "evaluation", ylabel)
	pts := xys(evals, objective, false)
	if len(pts) == 0 {
		return "", nil
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return "", err
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: colour(0, 0xa0), Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
	p.Add(sc)
	best := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		best[i] = pt
		if i > 0 && ((maximize && best[i-1].Y > pt.Y) || (!maximize && best[i-1].Y < pt.Y)) {
			best[i].Y = best[i-1].Y
		}
	}
	if err := addLine(p, best, colour(1, 0xff), 1.4); err != nil {
		return "", err
	}
	return svg(p, w, h)
}

// paretoChart draws every choice's scores on two objectives, the Pareto
// front's choices in a second colour and the chosen one ringed.
func paretoChart(title, xlabel, ylabel string, x, y []float64, front map[int]bool, chosen int, w, h vg.Length) (template.HTML, error) {
	p := newPlot(title, xlabel, ylabel)
	var rest, best plotter.XYs
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) {
			continue
		}
		if front[i] {
			best = append(best, plotter.XY{X: x[i], Y: y[i]})
		} else {
			rest = append(rest, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	for _, s := range []struct {
		pts plotter.XYs
		c   color.Color
		r   float64
	}{{rest, colour(9, 0xc0), 2}, {best, colour(2, 0xff), 2.8}} {
		if len(s.pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(s.pts)
		if err != nil {
			return "", err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: s.c, Radius: vg.Points(s.r), Shape: draw.CircleGlyph{}}
		p.Add(sc)
	}
	if chosen >= 0 && chosen < len(x) && finite(x[chosen]) && finite(y[chosen]) {
		sc, err := plotter.NewScatter(plotter.XYs{{X: x[chosen], Y: y[chosen]}})
		if err != nil {
			return "", err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(5), Shape: draw.RingGlyph{}}
		p.Add(sc)
	}
	return svg(p, w, h)
}

// logTicks labels a logarithmic axis: the powers of ten, as plot.LogTicks
// does, and, when the axis spans less than two decades, its 2 and 5
// times them, or every tick when it spans less than one, so that a series
// that stays within a decade (a price between 0.2 and 0.5) still has
// labelled ticks.
type logTicks struct{}

// Ticks returns the ticks of the axis from lo to hi: one at every
// m·10^e, m = 1..9, labelled as the type says.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return plot.LogTicks{Prec: 3}.Ticks(lo, hi)
	}
	decades := math.Log10(hi / lo)
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		p := math.Pow(10, e)
		for m := 1.0; m <= 9; m++ {
			v := m * p
			if v < lo*(1-1e-12) || v > hi*(1+1e-12) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || decades < 1 || decades < 2 && (m == 2 || m == 5) {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}
