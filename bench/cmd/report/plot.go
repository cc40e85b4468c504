package main

import (
	"fmt"
	"image/color"
	"math"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// bars is a grouped bar series that may sit on a logarithmic axis:
// gonum's BarChart draws from zero, which a log scale cannot place, so
// these bars rise from the axis minimum instead.
type bars struct {
	values []float64 // one per category; NaN: no bar
	offset vg.Length // from the category's centre
	width  vg.Length
	color  color.Color
}

func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i, v := range b.values {
		if math.IsNaN(v) || v <= 0 {
			continue
		}
		x := trX(float64(i)) + b.offset
		y0, y1 := trY(p.Y.Min), trY(v)
		rect := []vg.Point{{X: x - b.width/2, Y: y0}, {X: x + b.width/2, Y: y0}, {X: x + b.width/2, Y: y1}, {X: x - b.width/2, Y: y1}}
		c.FillPolygon(b.color, c.ClipPolygonY(rect))
	}
}

func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = -0.5, float64(len(b.values))-0.5
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, v := range b.values {
		if !math.IsNaN(v) && v > 0 {
			ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
		}
	}
	return xmin, xmax, ymin, ymax
}

func (b *bars) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	c.FillPolygon(b.color, c.ClipPolygonY(pts))
}

// series is one named row of values over the categories.
type series struct {
	name   string
	values []float64
}

// barPlot builds a grouped bar plot of series over categories, on a log
// scale when logY.
func barPlot(title, ylabel string, categories []string, ss []series, logY bool) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = ylabel
	p.NominalX(categories...)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.ThumbnailWidth = vg.Points(12)
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	p.Add(grid)
	w := vg.Points(60 / float64(max(len(ss), 1)))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range ss {
		b := &bars{values: s.values, width: w, color: plotutil.Color(i),
			offset: (vg.Length(i) - vg.Length(len(ss)-1)/2) * w}
		_, _, ymin, ymax := b.DataRange()
		lo, hi = math.Min(lo, ymin), math.Max(hi, ymax)
		p.Add(b)
		if len(ss) > 1 {
			p.Legend.Add(s.name, b)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 1, 10
	}
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Min = math.Pow(10, math.Floor(math.Log10(lo)))
		p.Y.Max = math.Pow(10, math.Ceil(math.Log10(hi))+1) // room for the legend
	} else {
		p.Y.Min = 0
		p.Y.Max = hi * 1.45
	}
	return p
}

// savePanels draws plots stacked vertically into one SVG file.
func savePanels(path string, width, panelHeight vg.Length, plots ...*plot.Plot) error {
	c := vgsvg.New(width, panelHeight*vg.Length(len(plots)))
	rows := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		rows[i] = []*plot.Plot{p}
	}
	tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadX: vg.Millimeter * 2, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(rows, tiles, draw.New(c))
	for i, p := range plots {
		p.Draw(canvases[i][0])
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
