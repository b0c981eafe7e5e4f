package transform_test

import (
	"fmt"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/transform"
)

func ExampleTransform_Run() {
	src := `swagger: "2.0"
host: "api.endpoints.my-project.cloud.goog"  # the service name
x-google-endpoints:
- name: "api.endpoints.my-projct.cloud.goog"
  target: "34.1.2.3"
paths: {}
`
	doc, err := spec.Parse("openapi.yaml", []byte(src), spec.Options{})
	if err != nil {
		panic(err)
	}
	t, _ := transform.ByName("allow-cors")
	res, err := t.Run(doc, transform.Options{Arg: "on"})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(res.Out))
	// Output:
	// swagger: "2.0"
	// host: "api.endpoints.my-project.cloud.goog"  # the service name
	// x-google-endpoints:
	// - name: "api.endpoints.my-project.cloud.goog"
	//   allowCors: true
	//   target: "34.1.2.3"
	// paths: {}
}
