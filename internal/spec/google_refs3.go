package spec

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// document3 walks the places OpenAPI 3.x allows a $ref that Google reads:
// the components (schemas, parameters, responses, request bodies), and
// each path item's and operation's parameters, request body and responses,
// with the schemas of their content and headers.
func (w *refWalker) document3(root *yaml.Node) {
	comps := Get(root, "components")
	Pairs(Get(comps, "schemas"), func(k, v *yaml.Node) {
		w.push("components", "schemas", k.Value)
		w.schema(v, RefInDefinition, 0)
		w.pop(3)
	})
	Pairs(Get(comps, "parameters"), func(k, v *yaml.Node) {
		w.push("components", "parameters", k.Value)
		w.param3(v)
		w.pop(3)
	})
	Pairs(Get(comps, "requestBodies"), func(k, v *yaml.Node) {
		w.push("components", "requestBodies", k.Value)
		w.body3(v)
		w.pop(3)
	})
	Pairs(Get(comps, "responses"), func(k, v *yaml.Node) {
		w.push("components", "responses", k.Value)
		w.response3(v)
		w.pop(3)
	})
	Pairs(Get(root, "paths"), func(pk, item *yaml.Node) {
		if !strings.HasPrefix(pk.Value, "/") {
			return
		}
		w.push("paths", pk.Value)
		Pairs(item, func(mk, op *yaml.Node) {
			switch {
			case mk.Value == "parameters":
				w.push("parameters")
				w.paramList3(op)
				w.pop(1)
			case IsMethod(mk.Value) || mk.Value == "trace":
				w.push(mk.Value, "parameters")
				w.paramList3(Get(op, "parameters"))
				w.pop(1)
				if b := Get(op, "requestBody"); b != nil {
					w.push("requestBody")
					w.body3(b)
					w.pop(1)
				}
				w.push("responses")
				Pairs(Get(op, "responses"), func(rk, rv *yaml.Node) {
					if strings.HasPrefix(rk.Value, "x-") {
						return
					}
					w.push(rk.Value)
					w.response3(rv)
					w.pop(1)
				})
				w.pop(2)
			}
		})
		w.pop(2)
	})
}

func (w *refWalker) paramList3(list *yaml.Node) {
	list = Deref(list)
	if !IsSeq(list) {
		return
	}
	for i, e := range list.Content {
		w.push(strconv.Itoa(i))
		w.param3(e)
		w.pop(1)
	}
}

func (w *refWalker) param3(p *yaml.Node) {
	p = Deref(p)
	if r := Deref(Get(p, "$ref")); IsString(r) {
		w.emit(r, RefParameter)
		return
	}
	if s := Get(p, "schema"); s != nil {
		w.push("schema")
		w.schema(s, RefInParameter, 0)
		w.pop(1)
	}
	w.content3(p, RefInParameter)
}

func (w *refWalker) body3(b *yaml.Node) {
	b = Deref(b)
	if r := Deref(Get(b, "$ref")); IsString(r) {
		w.emit(r, RefRequestBody)
		return
	}
	w.content3(b, RefInRequestBody)
}

func (w *refWalker) response3(r *yaml.Node) {
	r = Deref(r)
	if ref := Deref(Get(r, "$ref")); IsString(ref) {
		w.emit(ref, RefResponse)
		return
	}
	w.content3(r, RefInResponse)
	Pairs(Get(r, "headers"), func(hk, hv *yaml.Node) {
		hv = Deref(hv)
		if s := Get(hv, "schema"); s != nil {
			w.push("headers", hk.Value, "schema")
			w.schema(s, RefInResponse, 0)
			w.pop(3)
		}
	})
}

// content3 walks the schemas of a content map (media type → {schema}).
func (w *refWalker) content3(n *yaml.Node, place RefPlace) {
	Pairs(Get(n, "content"), func(mk, mv *yaml.Node) {
		if s := Get(mv, "schema"); s != nil {
			w.push("content", mk.Value, "schema")
			w.schema(s, place, 0)
			w.pop(3)
		}
	})
}
