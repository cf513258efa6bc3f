package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/convscope/convscope/internal/colormap"
	"github.com/convscope/convscope/internal/explain"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/internal/render"
)

const explainHelp = `Explains the model's prediction for IMAGE: which pixels (or which places
of a layer) made it say what it said. METHOD is one of

  gradcam         Grad-CAM (Selvaraju et al. 2017) at --layer
  gradcam++       Grad-CAM++ (Chattopadhay et al. 2018) at --layer
  guided          guided backprop (Springenberg et al. 2015)
  guided-gradcam  guided backprop times the Grad-CAM map
  saliency        the input gradient, max over colour channels of |ds/dx|
  smoothgrad      SmoothGrad: the gradient averaged over --samples noisy copies
  ig              Integrated Gradients from a black image in --steps steps

The score s is the chosen class's logit (for a single sigmoid output: +z for
the second class, -z for the first), the predicted class by default. The
default layer is the last convolution before Flatten (conv2d_4 for the
tutorial's model).

--out writes the heat map over the network input (its size, aligned pixel
for pixel); --npy writes the raw map before upsampling and normalisation:
(h, w) at the layer for gradcam and gradcam++, (H, W, C) at the input for
the others (the input gradient, or IG's attributions). A map without
information (all zero or constant) is reported as flat and not drawn.
Without --model, the embedded default model.
`

// explainReport is what --json prints.
type explainReport struct {
	Image      string                `json:"image"`
	Method     string                `json:"method"`
	Class      string                `json:"class"`
	Index      int                   `json:"class_index"`
	Predicted  string                `json:"predicted"`
	Score      float64               `json:"score"`
	Layer      string                `json:"layer"`
	RawShape   []int                 `json:"raw_shape"`
	Flat       bool                  `json:"flat"`
	Note       string                `json:"note,omitempty"`
	Out        string                `json:"out"`
	Npy        string                `json:"npy,omitempty"`
	Complete   *explain.Completeness `json:"completeness,omitempty"`
	Steps      int                   `json:"steps,omitempty"`
	Samples    int                   `json:"samples,omitempty"`
	Colormap   string                `json:"colormap"`
	Opacity    float64               `json:"opacity"`
	InputShape []int                 `json:"input_shape"`
}

// runExplain explains one prediction.
func runExplain(e *env, args []string) error {
	fs := newFlagSet("explain",
		"convscope explain [--model FILE] --image IMAGE --method METHOD [--layer NAME] [--class NAME|INDEX] --out FILE.png [--npy FILE.npy] [--json]",
		explainHelp)
	model := fs.String("model", "", modelFlagHelp)
	preset := fs.String("preprocess", "", preprocessUsage)
	image := fs.String("image", "", "input `IMAGE` (PNG, JPEG, GIF, BMP, TIFF or WebP)")
	method := fs.String("method", "", "`METHOD`: gradcam, gradcam++, guided, guided-gradcam, saliency, smoothgrad or ig")
	layer := fs.String("layer", "", "target layer `NAME` of gradcam, gradcam++ and guided-gradcam (default: the last convolution)")
	class := fs.String("class", "", "class to explain, by `NAME` or index (default: the predicted class)")
	out := fs.String("out", "", "heat-map overlay `FILE.png`")
	npyPath := fs.String("npy", "", "also write the raw map to `FILE.npy`")
	asJSON := fs.Bool("json", false, "print the class, score, layer and (ig) completeness as JSON")
	cmap := fs.String("colormap", explain.DefaultColormap, "colormap `NAME`: "+strings.Join(colormap.Names(), ", "))
	opacity := fs.Float64("opacity", explain.DefaultOpacity, "heat-map opacity `A` over the image, 0..1")
	steps := fs.Int("steps", 32, "Integrated Gradients' gradient evaluations `N`")
	samples := fs.Int("samples", 25, "SmoothGrad's noisy samples `N`")
	noise := fs.Float64("noise", 0.15, "SmoothGrad's noise σ as a `FRACTION` of the input's range")
	seed := fs.Int64("seed", 0, "SmoothGrad's noise `SEED`")
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	if err := fs.require("image", "out", "method"); err != nil {
		return err
	}
	meth, err := explain.ParseMethod(*method)
	switch {
	case err != nil:
		return fs.bad("--method: %s", strings.TrimPrefix(err.Error(), "explain: "))
	case !(*opacity >= 0 && *opacity <= 1): // NaN too: it drew no heat map
		return fs.bad("--opacity: expected 0..1, received %g", *opacity)
	case *steps < 2 || *samples < 1:
		return fs.bad("--steps must be 2 or more and --samples 1 or more, received %d and %d", *steps, *samples)
	case *steps > maxExplainRuns || *samples > maxExplainRuns:
		return fs.bad("--steps and --samples: expected at most %d each, received %d and %d", maxExplainRuns, *steps, *samples)
	case !positiveFinite(*noise):
		return fs.bad("--noise: expected a positive fraction, received %g", *noise)
	}
	cm, err := colormap.ByName(*cmap)
	if err != nil {
		return fs.bad("--colormap: unknown colormap %q (valid: %s)", *cmap, strings.Join(colormap.Names(), ", "))
	}
	if err := checkPreprocess(fs, *model, *preset); err != nil {
		return err
	}
	for _, p := range []string{*out, *npyPath} {
		if err := folderOf(p); err != nil { // before --out is written: no half of the output
			return err
		}
	}

	m, err := loadModelPreset(*model, *preset, e.stderr)
	if err != nil {
		return err
	}
	cls, err := parseClass(m, *class)
	if err != nil {
		return err
	}
	in := m.InputShape()
	if len(in) != 3 {
		return fmt.Errorf("expected a model with an image input (height, width, channels), received %v", in)
	}
	x := make([]float32, in[0]*in[1]*in[2])
	if err := loadInput(x, *image, m.Prep()); err != nil {
		return err
	}
	normalize(m, x) // as predict and the app: a model with a mean and std was explained on unnormalised pixels
	var em explain.Randomizable
	if m.Net != nil {
		em = explain.FromSequential(m.Net)
	} else if em, err = explain.FromGraph(m.Graph); err != nil {
		return err
	}
	ex := explain.New(em)
	o := explain.Options{Method: meth, Class: cls, Layer: *layer, Steps: *steps, Samples: *samples, Noise: *noise, Seed: *seed}
	r, err := ex.Explain(e.ctx, x, o)
	if errors.Is(err, context.Canceled) {
		return &interruptedError{msg: "interrupted"}
	}
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "explain: "))
	}
	heat := r.Heat()
	base, err := explain.BaseImage(nil, x, in[0], in[1], in[2])
	if err != nil {
		return err
	}
	img, err := explain.Overlay(nil, base, heat, cm, *opacity)
	if err != nil {
		return err
	}
	if err := render.WritePNG(*out, img); err != nil {
		return fmt.Errorf("%s: %w", *out, err)
	}
	if *npyPath != "" {
		if err := npy.WriteFile(*npyPath, r.RawShape, r.Raw); err != nil {
			return fmt.Errorf("%s: %w", *npyPath, err)
		}
	}
	rep := explainReport{Image: *image, Method: string(meth), Class: m.ClassName(r.Class), Index: r.Class,
		Predicted: m.ClassName(r.Predicted), Score: r.Score, Layer: r.Layer, RawShape: r.RawShape, Flat: heat.Flat,
		Note: heat.Note, Out: *out, Npy: *npyPath, Complete: r.Completeness, Colormap: cm.Name, Opacity: *opacity,
		InputShape: in}
	switch meth {
	case explain.IntegratedGradients:
		rep.Steps = *steps
	case explain.SmoothGrad:
		rep.Samples = *samples
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(e.stdout, "%s: %s of %s (index %d; predicted %s) at %s, score %.6g\n",
		*image, meth, classPhrase(rep.Class), r.Class, rep.Predicted, r.Layer, r.Score)
	if c := r.Completeness; c != nil {
		fmt.Fprintf(e.stdout, "completeness: sum of attributions %.6g, s(x) - s(black) %.6g, gap %.2f %%\n", c.Sum, c.Delta, 100*c.Gap)
	}
	if heat.Note != "" {
		fmt.Fprintf(e.stdout, "note: %s\n", heat.Note)
	}
	return nil
}

// parseClass turns --class (a class name or an index) into an index;
// "" is the predicted class.
func parseClass(m *model.Model, s string) (int, error) {
	if s == "" {
		return explain.Predicted, nil
	}
	n := m.Outputs()
	if n == 1 {
		n = 2
	}
	var names []string
	for i := 0; i < n; i++ {
		names = append(names, m.ClassName(i))
		if m.ClassName(i) == s {
			return i, nil
		}
	}
	if i, err := strconv.Atoi(s); err == nil {
		if i < 0 || i >= n {
			return 0, fmt.Errorf("--class: expected an index 0..%d or a class name (%s), received %d", n-1, strings.Join(names, ", "), i)
		}
		return i, nil
	}
	for i, name := range names {
		if strings.EqualFold(name, s) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("--class: expected a class name (%s) or an index 0..%d, received %q", strings.Join(names, ", "), n-1, s)
}

// classPhrase is "class NAME", or the name alone when it already says
// "class" (the generic names "class 603" of a file without class names:
// "gradcam of class class 603" read as a typo).
func classPhrase(name string) string {
	if strings.HasPrefix(name, "class ") {
		return name
	}
	return "class " + name
}

// maxExplainRuns bounds --steps and --samples: Integrated Gradients'
// authors use 20 to 300 steps and SmoothGrad's 50 samples, and SmoothGrad
// draws the noise of every sample up front (samples × the input's values),
// so --samples 1000000000 made the runtime abort for lack of memory.
const maxExplainRuns = 1000
