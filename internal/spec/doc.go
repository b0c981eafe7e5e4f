// Package spec loads Swagger 2.0 and OpenAPI 3.0/3.1 documents (YAML or JSON)
// once into three views: the yaml node tree (with exact 1-based line and
// column for every node), the Google model built from that tree (what
// Service Management, ESP and ESPv2 read: Document.Google), and a
// JSON-pointer index that turns a pointer into a source position.
//
// The bytes are parsed once. The model is built by walking the node tree,
// never by parsing the file a second time.
//
// Columns count Unicode characters (not bytes) from 1, as yaml.v3 does; a UTF-8
// byte order mark is not counted. Document.Offset converts a position back to a
// byte offset for byte-splicing edits.
package spec
