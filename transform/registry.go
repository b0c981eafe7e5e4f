package transform

import (
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
)

func init() {
	register(Transform{
		Name:  "allow-cors",
		Args:  []string{"on", "off"},
		Short: "Turn x-google-endpoints allowCors on (one entry named host, allowCors: true) or off (false, or removed with --remove).",
		run: func(doc *spec.Document, o Options) (Result, error) {
			out, err := allowCors(doc, o, o.Arg == "on")
			return Result{Out: out}, err
		},
	})
	register(Transform{
		Name:  "sync-name",
		Short: "Make x-google-endpoints[].name equal the service name (host, or --service-name on API Gateway), or host equal the endpoint name (--from name).",
		Fixes: "endpoints-name-matches-host",
		run: func(doc *spec.Document, o Options) (Result, error) {
			if doc.Version.IsOpenAPI3() {
				out, err := runSteps(doc, o, syncName3)
				return Result{Out: out, Notes: []string{"OpenAPI 3.x has no separate endpoint name: the service name is the host of the server url that carries x-google-endpoint; nothing to sync."}}, err
			}
			switch o.From {
			case "", "host":
				out, err := runSteps(doc, o, syncFromHost)
				return Result{Out: out}, err
			case "name":
				out, err := runSteps(doc, o, syncFromName)
				return Result{Out: out}, err
			}
			return Result{}, fmt.Errorf("--from must be host or name, not %q", o.From)
		},
	})
	register(Transform{
		Name:  "cors-mode",
		Args:  []string{"backend", "proxy"},
		Short: "Switch who answers CORS preflights: backend (allowCors on) or proxy (allowCors off; add --cors_preset flags).",
		run: func(doc *spec.Document, o Options) (Result, error) {
			on := o.Arg == "backend"
			out, err := allowCors(doc, o, on)
			if err != nil {
				return Result{}, err
			}
			return Result{Out: out, Notes: modeNotes(on, o.AllowOrigin)}, nil
		},
	})
	register(Transform{
		Name:  "allow-cors-boolean",
		Short: `Rewrite allowCors: "true" / "false" (quoted strings) as real booleans.`,
		Fixes: "endpoints-allowcors-boolean",
		run: func(doc *spec.Document, o Options) (Result, error) {
			out, err := runSteps(doc, o, fixBoolean)
			return Result{Out: out}, err
		},
	})
	register(Transform{
		Name:  "allow-cors-spelling",
		Short: "Rename allow_cors (the proto spelling) to allowCors, the spelling Google documents.",
		Fixes: "endpoints-unknown-key",
		run: func(doc *spec.Document, o Options) (Result, error) {
			out, err := runSteps(doc, o, fixSpelling)
			return Result{Out: out}, err
		},
	})
}

func allowCors(doc *spec.Document, o Options, on bool) ([]byte, error) {
	if doc.Version.IsOpenAPI3() {
		if on {
			return runSteps(doc, o, ensureAllowCorsOn3)
		}
		return runSteps(doc, o, allowCorsOff3(o.Remove))
	}
	if on {
		return runSteps(doc, o, ensureEntry, ensureName, ensureAllowCorsOn, dropDuplicates)
	}
	return runSteps(doc, o, allowCorsOff(o.Remove))
}

// modeNotes tells the user what to change on the proxy side. With allowCors
// on, ESPv2 still answers allowed preflights itself if a preset is also set
// (espv2-cors §1.7), so the CORS flags must go. With allowCors off, the
// proxy must answer preflights: --cors_preset=basic with ESPv2's defaults for
// the other flags (configgenerator.go / start_proxy.py), written out by the
// same emitter as `corsgate flags` so the deployment shows them.
func modeNotes(backend bool, origin string) []string {
	if backend {
		return []string{
			"allowCors is on: the backend now answers CORS preflights (ESP/ESPv2 route OPTIONS to it).",
			"Remove these proxy flags if your deployment sets them (with --cors_preset also set, ESPv2 answers allowed preflights itself and the backend never sees them):",
			"  " + strings.Join(cors.FlagNames, " "),
		}
	}
	if origin == "" {
		origin = cors.DefaultAllowOrigin
	}
	p := &cors.Policy{
		Proxy:         cors.ESPv2,
		Preset:        cors.PresetBasic,
		AllowOrigin:   origin,
		AllowMethods:  cors.DefaultAllowMethods,
		AllowHeaders:  cors.DefaultAllowHeadersESP2,
		ExposeHeaders: cors.DefaultExposeHeaders,
		MaxAge:        cors.DefaultMaxAge,
	}
	notes := []string{
		"allowCors is off: the proxy must answer CORS preflights. Add these ESPv2 flags (values shown are ESPv2's defaults except the origin; corsgate flags prints them in other forms):",
	}
	for _, f := range cors.FlagArgs(p) {
		notes = append(notes, "  "+cors.ShellQuote(f))
	}
	if origin == cors.DefaultAllowOrigin {
		notes = append(notes, "Origin * allows every site; give the real one with --allow-origin https://app.example.com.")
	}
	return notes
}
