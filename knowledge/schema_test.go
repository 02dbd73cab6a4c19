package knowledge_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/clinicbot/clinicbot/knowledge"
)

// schemaDoc is the schema as plain JSON, for reading its properties.
type schemaDoc struct {
	Properties  map[string]json.RawMessage `json:"properties"`
	Definitions struct {
		Entry struct {
			Required             []string                   `json:"required"`
			AdditionalProperties *bool                      `json:"additionalProperties"`
			Properties           map[string]json.RawMessage `json:"properties"`
		} `json:"entry"`
	} `json:"definitions"`
	AdditionalProperties *bool `json:"additionalProperties"`
}

func readSchema(t *testing.T) schemaDoc {
	t.Helper()
	var d schemaDoc
	if err := json.Unmarshal(knowledge.Schema(), &d); err != nil {
		t.Fatalf("knowledge.schema.json is not JSON: %v", err)
	}
	return d
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(knowledge.Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("knowledge.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("knowledge.schema.json")
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// The schema's entry fields are exactly the loader's, which come from
// Entry's yaml tags; each has the JSON type of its Go type.
func TestSchemaFieldsMatchTheLoader(t *testing.T) {
	d := readSchema(t)
	entry := d.Definitions.Entry
	var inSchema []string
	for k := range entry.Properties {
		inSchema = append(inSchema, k)
	}
	sort.Strings(inSchema)
	loader := slices.Sorted(slices.Values(knowledge.EntryFields))
	if !slices.Equal(inSchema, loader) {
		t.Errorf("entry fields: schema %v, loader %v", inSchema, loader)
	}
	if entry.AdditionalProperties == nil || *entry.AdditionalProperties || d.AdditionalProperties == nil || *d.AdditionalProperties {
		t.Error("the schema must refuse unknown fields, as the loader does (additionalProperties: false)")
	}
	if want := []string{"id", "question", "answer"}; !slices.Equal(entry.Required, want) {
		t.Errorf("required %v, want %v", entry.Required, want)
	}
	// Each field's type follows its Go type.
	et := reflect.TypeFor[knowledge.Entry]()
	for f := range et.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		raw, ok := entry.Properties[name]
		if !ok {
			continue // reported above
		}
		var p struct {
			Type  any    `json:"type"`
			Ref   string `json:"$ref"`
			Items struct {
				Type any    `json:"type"`
				Ref  string `json:"$ref"`
			} `json:"items"`
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		want := map[reflect.Kind]string{reflect.String: "string", reflect.Bool: "boolean", reflect.Slice: "array", reflect.Int: "integer", reflect.Float64: "number"}[f.Type.Kind()]
		got := strings.Trim(strings.ReplaceAll(strings.ReplaceAll(fmtType(p.Type), `"null"`, ""), ",", ""), "[]\" ")
		if p.Ref == "#/definitions/id" {
			got = "string"
		}
		if got != want {
			t.Errorf("field %s: schema type %q, Go type %s wants %q", name, got, f.Type, want)
		}
		if f.Type.Kind() == reflect.Slice && !strings.Contains(fmtType(p.Items.Type), `"string"`) && p.Items.Ref != "#/definitions/id" {
			t.Errorf("field %s: items must be strings", name)
		}
	}
	// Top level: every key the loader reads, and no other.
	var top []string
	for k := range d.Properties {
		top = append(top, k)
	}
	sort.Strings(top)
	want := slices.Sorted(slices.Values(knowledge.FileKeys))
	if !slices.Equal(top, want) {
		t.Errorf("top-level keys: schema %v, want the loader's %v", top, knowledge.FileKeys)
	}
	for _, k := range top {
		_, err := knowledge.LoadDir(writeDir(t, map[string]string{"a.yaml": good + k + ":\n"}))
		accepted := err == nil || !strings.Contains(err.Error(), "unknown top-level key")
		if !accepted {
			t.Errorf("the schema has %q but the loader refuses it: %v", k, err)
		}
	}
}

func fmtType(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// yamlValue converts a YAML document to the JSON value an editor checks:
// scalars as YAML 1.2 reads them (an unquoted date is a string).
func yamlValue(n *yaml.Node) any {
	switch n.Kind {
	case 0:
		return nil // an empty document
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return yamlValue(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = yamlValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			s = append(s, yamlValue(c))
		}
		return s
	case yaml.AliasNode:
		return yamlValue(n.Alias)
	}
	var v any
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool", "!!int", "!!float":
		if n.Decode(&v) == nil {
			return v
		}
	}
	return n.Value
}

func validateYAML(t *testing.T, s *jsonschema.Schema, src string) error {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatalf("test data is not YAML: %v", err)
	}
	b, err := json.Marshal(yamlValue(&n))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

// The schema and the loader agree: what one accepts the other accepts.
func TestSchemaAgreesWithTheLoader(t *testing.T) {
	s := compileSchema(t)
	valid := map[string]string{
		"full entry": `entries:
  - id: fjd-recovery
    question: How long is the recovery?
    alternates: [recovery time, when can I go back to work]
    answer: |
      Most people go home the same day.
    topic: facet-joint-denervation
    keywords: [recovery, work]
    related: [other]
    booking: true
    owner: London Spine Unit clinical team
    reviewed: 2026-11-25
  - id: other
    question: Other?
    answer: Other.
synonyms:
  - [rfa, radiofrequency ablation]
`,
		"empty file":    "# nothing yet\n",
		"only synonyms": good + "synonyms:\n  - [a, b]\n",
	}
	for name, src := range valid {
		if err := validateYAML(t, s, src); err != nil {
			t.Errorf("%s: the schema refuses a valid file: %v", name, err)
		}
		if _, err := knowledge.LoadDir(writeDir(t, map[string]string{"a.yaml": src})); err != nil && !strings.Contains(err.Error(), "no entries") {
			t.Errorf("%s: the loader refuses it: %v", name, err)
		}
	}
	invalid := map[string]string{
		"unknown field":          good + "    questoin: What?\n",
		"unknown top-level key":  good + "faqs: []\n",
		"missing answer":         "entries:\n  - id: a\n    question: q\n",
		"missing id":             "entries:\n  - question: q\n    answer: x\n",
		"bad id":                 "entries:\n  - id: Bad_ID\n    question: q\n    answer: x\n",
		"empty question":         "entries:\n  - id: a\n    question: \" \"\n    answer: x\n",
		"answer too long":        "entries:\n  - id: a\n    question: q\n    answer: " + strings.Repeat("a", knowledge.MaxAnswerLen+1) + "\n",
		"bad date":               good + "    reviewed: 25/11/2026\n",
		"booking not true/false": good + "    booking: maybe\n",
		"keywords not a list":    good + "    keywords: foo\n",
		"related id not an id":   good + "    related: [Not An Id]\n",
		"synonym group of one":   good + "synonyms:\n  - [rfa]\n",
		"entries not a list":     "entries: 3\n",
	}
	for name, src := range invalid {
		if err := validateYAML(t, s, src); err == nil {
			t.Errorf("%s: the schema accepts what the loader refuses", name)
		}
		if _, err := knowledge.LoadDir(writeDir(t, map[string]string{"a.yaml": src})); err == nil {
			t.Errorf("%s: the loader accepts it", name)
		}
	}
}

// Every knowledge file of the clinic names the schema on its first line,
// the path resolves, and the file is valid by the schema.
func TestClinicFilesNameTheSchema(t *testing.T) {
	s := compileSchema(t)
	files, err := filepath.Glob(filepath.Join("clinic", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no clinic files: %v", err)
	}
	want, err := os.ReadFile("knowledge.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if slices.Contains(knowledge.Reserved, filepath.Base(f)) {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first, _ := bufio.NewReader(bytes.NewReader(data)).ReadString('\n')
		ref, ok := strings.CutPrefix(strings.TrimSpace(first), "# yaml-language-server: $schema=")
		if !ok {
			t.Errorf("%s: first line %q does not name the schema", f, first)
			continue
		}
		got, err := os.ReadFile(filepath.Join(filepath.Dir(f), ref))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: $schema=%s does not lead to knowledge.schema.json (%v)", f, ref, err)
		}
		if err := validateYAML(t, s, string(data)); err != nil {
			t.Errorf("%s: not valid by the schema: %v", f, err)
		}
	}
}
