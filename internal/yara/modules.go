package yara

import (
	"bytes"
	"debug/elf"
	"debug/pe"
	"strings"
)

// modData is what a module knows about the scanned data. ok is false when
// the data is not of the module's format: every field is then undefined.
type modData struct {
	ok       bool
	ints     map[string]int64
	sections []section
	segments []segment
	imports  []imported
}

type section struct {
	name                 string
	typ, addr, off, size int64
}

type segment struct{ typ, off, vaddr, filesz, memsz int64 }

type imported struct{ dll, fn string }

// modField is one field or function of a module; fn receives the index
// and call arguments in order.
type modField struct {
	fn func(m *modData, args []value) value
	// always is set for a field defined on data of any format (pe.is_pe).
	always bool
}

func intField(key string) *modField {
	return &modField{fn: func(m *modData, _ []value) value {
		if v, ok := m.ints[key]; ok {
			return intVal(v)
		}
		return undef
	}}
}

func constField(v int64) *modField {
	return &modField{fn: func(*modData, []value) value { return intVal(v) }}
}

func sectionField(get func(s section) value) *modField {
	return &modField{fn: func(m *modData, a []value) value {
		if a[0].k != kInt || a[0].i < 0 || a[0].i >= int64(len(m.sections)) {
			return undef
		}
		return get(m.sections[a[0].i])
	}}
}

func segmentField(get func(s segment) value) *modField {
	return &modField{fn: func(m *modData, a []value) value {
		if a[0].k != kInt || a[0].i < 0 || a[0].i >= int64(len(m.segments)) {
			return undef
		}
		return get(m.segments[a[0].i])
	}}
}

// modules maps a module name to its fields, keyed by path with [] for an
// index and () for a call: "sections[].name", "imports()".
var modules = map[string]map[string]*modField{
	"pe": {
		"is_pe":                      {fn: func(m *modData, _ []value) value { return boolVal(m.ok) }, always: true},
		"machine":                    intField("machine"),
		"number_of_sections":         intField("number_of_sections"),
		"entry_point":                intField("entry_point"),
		"timestamp":                  intField("timestamp"),
		"characteristics":            intField("characteristics"),
		"subsystem":                  intField("subsystem"),
		"number_of_imports":          intField("number_of_imports"),
		"sections[].name":            sectionField(func(s section) value { return strVal(s.name) }),
		"sections[].virtual_address": sectionField(func(s section) value { return intVal(s.addr) }),
		"sections[].raw_data_offset": sectionField(func(s section) value { return intVal(s.off) }),
		"sections[].raw_data_size":   sectionField(func(s section) value { return intVal(s.size) }),
		"imports()":                  {fn: peImports},
		"is_dll()": {fn: func(m *modData, _ []value) value {
			return boolVal(m.ints["characteristics"]&int64(pe.IMAGE_FILE_DLL) != 0)
		}},
		"is_32bit()":                 {fn: func(m *modData, _ []value) value { return boolVal(m.ints["magic"] == 0x10b) }},
		"is_64bit()":                 {fn: func(m *modData, _ []value) value { return boolVal(m.ints["magic"] == 0x20b) }},
		"MACHINE_I386":               constField(pe.IMAGE_FILE_MACHINE_I386),
		"MACHINE_AMD64":              constField(pe.IMAGE_FILE_MACHINE_AMD64),
		"MACHINE_ARM":                constField(pe.IMAGE_FILE_MACHINE_ARM),
		"MACHINE_ARM64":              constField(pe.IMAGE_FILE_MACHINE_ARM64),
		"DLL":                        constField(pe.IMAGE_FILE_DLL),
		"EXECUTABLE_IMAGE":           constField(pe.IMAGE_FILE_EXECUTABLE_IMAGE),
		"SUBSYSTEM_WINDOWS_GUI":      constField(pe.IMAGE_SUBSYSTEM_WINDOWS_GUI),
		"SUBSYSTEM_WINDOWS_CUI":      constField(pe.IMAGE_SUBSYSTEM_WINDOWS_CUI),
		"SUBSYSTEM_NATIVE":           constField(pe.IMAGE_SUBSYSTEM_NATIVE),
		"SECTION_CNT_CODE":           constField(pe.IMAGE_SCN_CNT_CODE),
		"SECTION_MEM_EXECUTE":        constField(pe.IMAGE_SCN_MEM_EXECUTE),
		"SECTION_MEM_WRITE":          constField(pe.IMAGE_SCN_MEM_WRITE),
		"sections[].characteristics": sectionField(func(s section) value { return intVal(s.typ) }),
	},
	"elf": {
		"type":                       intField("type"),
		"machine":                    intField("machine"),
		"entry_point":                intField("entry_point"),
		"number_of_sections":         intField("number_of_sections"),
		"number_of_segments":         intField("number_of_segments"),
		"sections[].name":            sectionField(func(s section) value { return strVal(s.name) }),
		"sections[].type":            sectionField(func(s section) value { return intVal(s.typ) }),
		"sections[].address":         sectionField(func(s section) value { return intVal(s.addr) }),
		"sections[].offset":          sectionField(func(s section) value { return intVal(s.off) }),
		"sections[].size":            sectionField(func(s section) value { return intVal(s.size) }),
		"segments[].type":            segmentField(func(s segment) value { return intVal(s.typ) }),
		"segments[].offset":          segmentField(func(s segment) value { return intVal(s.off) }),
		"segments[].virtual_address": segmentField(func(s segment) value { return intVal(s.vaddr) }),
		"segments[].file_size":       segmentField(func(s segment) value { return intVal(s.filesz) }),
		"segments[].memory_size":     segmentField(func(s segment) value { return intVal(s.memsz) }),
		"ET_NONE":                    constField(int64(elf.ET_NONE)),
		"ET_REL":                     constField(int64(elf.ET_REL)),
		"ET_EXEC":                    constField(int64(elf.ET_EXEC)),
		"ET_DYN":                     constField(int64(elf.ET_DYN)),
		"ET_CORE":                    constField(int64(elf.ET_CORE)),
		"EM_386":                     constField(int64(elf.EM_386)),
		"EM_X86_64":                  constField(int64(elf.EM_X86_64)),
		"EM_ARM":                     constField(int64(elf.EM_ARM)),
		"EM_AARCH64":                 constField(int64(elf.EM_AARCH64)),
		"EM_MIPS":                    constField(int64(elf.EM_MIPS)),
		"EM_PPC":                     constField(int64(elf.EM_PPC)),
		"EM_PPC64":                   constField(int64(elf.EM_PPC64)),
		"SHT_PROGBITS":               constField(int64(elf.SHT_PROGBITS)),
		"SHT_SYMTAB":                 constField(int64(elf.SHT_SYMTAB)),
		"SHT_STRTAB":                 constField(int64(elf.SHT_STRTAB)),
		"SHT_NOBITS":                 constField(int64(elf.SHT_NOBITS)),
		"SHT_DYNSYM":                 constField(int64(elf.SHT_DYNSYM)),
		"PT_LOAD":                    constField(int64(elf.PT_LOAD)),
		"PT_DYNAMIC":                 constField(int64(elf.PT_DYNAMIC)),
		"PT_INTERP":                  constField(int64(elf.PT_INTERP)),
	},
}

// peImports is pe.imports(dll, fn): whether fn is imported from dll, or
// pe.imports(dll): how many functions are imported from dll. Names compare
// case-insensitively.
func peImports(m *modData, a []value) value {
	if len(a) == 0 || len(a) > 2 || a[0].k != kStr || (len(a) == 2 && a[1].k != kStr) {
		return undef
	}
	n := int64(0)
	for _, im := range m.imports {
		if !strings.EqualFold(im.dll, a[0].s) {
			continue
		}
		if len(a) == 2 && strings.EqualFold(im.fn, a[1].s) {
			return boolVal(true)
		}
		n++
	}
	if len(a) == 2 {
		return boolVal(false)
	}
	return intVal(n)
}

// parseModule parses a module expression after its name t.
func (p *parser) parseModule(t token) node {
	fields := modules[t.val]
	var path strings.Builder
	var args []node
	for {
		switch {
		case p.accept("."):
			if path.Len() > 0 {
				path.WriteByte('.')
			}
			path.WriteString(p.expectIdent().val)
			continue
		case p.accept("["):
			args = append(args, p.parseExpr())
			p.expect("]")
			path.WriteString("[]")
			continue
		case p.accept("("):
			for !p.is(")") {
				args = append(args, p.parseExpr())
				if !p.accept(",") {
					break
				}
			}
			p.expect(")")
			path.WriteString("()")
			continue
		}
		break
	}
	if !p.imports[t.val] {
		p.failAt(t, "undefined identifier %q (module not imported)", t.val)
	}
	if fields == nil {
		p.unsupported(t, "module %q is not supported", t.val)
		return litNode{undef}
	}
	f := fields[path.String()]
	if f == nil {
		p.unsupported(t, "%s.%s is not supported", t.val, path.String())
		return litNode{undef}
	}
	return modNode{module: t.val, field: f, args: args}
}

// loadModule parses data as the module's format. debug/pe and debug/elf
// read a bytes.Reader over data (so never beyond it); a panic on hostile
// input makes the module's fields undefined.
func loadModule(name string, data []byte) (m *modData) {
	m = &modData{ints: map[string]int64{}}
	defer func() {
		if recover() != nil {
			m = &modData{ints: map[string]int64{}}
		}
	}()
	switch name {
	case "pe":
		loadPE(m, data)
	case "elf":
		loadELF(m, data)
	}
	return m
}

func loadPE(m *modData, data []byte) {
	if len(data) < 0x40 || data[0] != 'M' || data[1] != 'Z' {
		return
	}
	f, err := pe.NewFile(bytes.NewReader(data))
	if err != nil {
		return
	}
	defer f.Close()
	m.ok = true
	m.ints["machine"] = int64(f.Machine)
	m.ints["number_of_sections"] = int64(f.NumberOfSections)
	m.ints["timestamp"] = int64(f.TimeDateStamp)
	m.ints["characteristics"] = int64(f.Characteristics)
	var ep uint32
	switch h := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		ep, m.ints["magic"], m.ints["subsystem"] = h.AddressOfEntryPoint, int64(h.Magic), int64(h.Subsystem)
	case *pe.OptionalHeader64:
		ep, m.ints["magic"], m.ints["subsystem"] = h.AddressOfEntryPoint, int64(h.Magic), int64(h.Subsystem)
	}
	for _, s := range f.Sections {
		m.sections = append(m.sections, section{name: s.Name, typ: int64(s.Characteristics),
			addr: int64(s.VirtualAddress), off: int64(s.Offset), size: int64(s.Size)})
	}
	if f.OptionalHeader != nil {
		m.ints["entry_point"] = peOffset(m.sections, int64(ep))
	}
	syms, err := f.ImportedSymbols()
	if err == nil {
		dlls := map[string]bool{}
		for _, s := range syms {
			fn, dll, ok := strings.Cut(s, ":")
			if !ok {
				continue
			}
			m.imports = append(m.imports, imported{dll: dll, fn: fn})
			dlls[strings.ToLower(dll)] = true
		}
		m.ints["number_of_imports"] = int64(len(dlls))
	}
}

// peOffset maps a relative virtual address to a file offset through the
// section table.
func peOffset(secs []section, rva int64) int64 {
	for _, s := range secs {
		if rva >= s.addr && rva < s.addr+max(s.size, 1) && s.size > 0 {
			return s.off + rva - s.addr
		}
	}
	return rva
}

func loadELF(m *modData, data []byte) {
	if len(data) < 16 || string(data[:4]) != elf.ELFMAG {
		return
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return
	}
	defer f.Close()
	m.ok = true
	m.ints["type"] = int64(f.Type)
	m.ints["machine"] = int64(f.Machine)
	m.ints["number_of_sections"] = int64(len(f.Sections))
	m.ints["number_of_segments"] = int64(len(f.Progs))
	for _, s := range f.Sections {
		m.sections = append(m.sections, section{name: s.Name, typ: int64(s.Type), addr: int64(s.Addr),
			off: int64(s.Offset), size: int64(s.Size)})
	}
	for _, g := range f.Progs {
		m.segments = append(m.segments, segment{typ: int64(g.Type), off: int64(g.Off), vaddr: int64(g.Vaddr),
			filesz: int64(g.Filesz), memsz: int64(g.Memsz)})
	}
	if ep, ok := elfOffset(m, f.Type, int64(f.Entry)); ok {
		m.ints["entry_point"] = ep
	}
}

// elfOffset maps a virtual address to a file offset: through the segments
// of an executable, through the sections otherwise.
func elfOffset(m *modData, typ elf.Type, va int64) (int64, bool) {
	if typ == elf.ET_EXEC {
		for _, g := range m.segments {
			if va >= g.vaddr && va < g.vaddr+g.memsz {
				return g.off + va - g.vaddr, true
			}
		}
		return 0, false
	}
	for _, s := range m.sections {
		if s.typ != int64(elf.SHT_NULL) && s.typ != int64(elf.SHT_NOBITS) && va >= s.addr && va < s.addr+s.size {
			return s.off + va - s.addr, true
		}
	}
	return 0, false
}

// field reads an integer field; undefined when the data is not of the
// module's format.
func (m *modData) field(key string) value {
	if v, ok := m.ints[key]; ok && m.ok {
		return intVal(v)
	}
	return undef
}
