import "pe"
import "elf"

rule text_plain { strings: $a = "quick brown" condition: $a }
rule text_absent { strings: $a = "not in any file at all" condition: $a }
rule text_nocase { strings: $a = "LAZY DOG" nocase condition: #a >= 1 }
rule text_wide { strings: $a = "secret" wide condition: $a }
rule text_wide_ascii { strings: $a = "secret" wide ascii condition: #a >= 2 }
rule text_fullword { strings: $a = "fox" fullword $b = "ox" fullword condition: $a and not $b }
rule text_overlap { strings: $a = "aa" condition: #a > 3 }
rule text_many { strings: $a = "the" nocase condition: #a > 2 and @a[1] < @a[2] }
rule text_escape { strings: $a = "tab\there" $b = "q\"uote" condition: any of them }
rule text_short { strings: $a = "e" condition: #a > 10 }
rule hex_mz { strings: $mz = { 4D 5A } condition: $mz at 0 }
rule hex_wild { strings: $a = { 50 45 00 00 ?? ?? } condition: $a }
rule hex_nibble { strings: $a = { 7F 4? 4C 46 } condition: $a at 0 }
rule hex_jump { strings: $a = { 71 75 [1-8] 62 72 } condition: $a }
rule hex_jump_fixed { strings: $a = { 6C 61 [3] 79 } condition: $a }
rule hex_alt { strings: $a = { 62 72 ( 6F 77 | 65 61 | 69 6E ) 6E } condition: $a }
rule hex_alt_first { strings: $a = { ( 41 42 | 43 44 ) 45 } condition: $a }
rule hex_leading_wild { strings: $a = { ?? 6F 78 } condition: #a > 0 }
rule hex_bin { strings: $a = { DE AD BE EF } $b = { CA FE [2-16] BA BE } condition: $a or $b }
rule re_simple { strings: $a = /qu[a-z]+k/ condition: $a }
rule re_nocase { strings: $a = /LAZY\s+DOG/i condition: $a }
rule re_dot { strings: $a = /brown.fox/ condition: $a }
rule re_dotall { strings: $a = /end.of/s condition: $a }
rule re_anchor { strings: $a = /^The/ condition: $a }
rule re_alt { strings: $a = /(cat|dog|fox)s?/ condition: #a > 1 }
rule re_bytes { strings: $a = /\xde\xad[\x00-\xff]{2}/ condition: $a }
rule re_word { strings: $a = /\bjump\w*/ condition: $a }
rule re_repeat { strings: $a = /[0-9]{3,}/ condition: $a }
rule re_email { strings: $a = /[a-z0-9._]+@[a-z0-9.]+\.[a-z]{2,4}/ condition: $a }
rule re_fullword { strings: $a = /ov[a-z]+/ fullword condition: $a }
rule cnt_in { strings: $a = "o" condition: #a in (0..100) > 3 and $a in (10..50) }
rule at_offset { strings: $a = "The" condition: $a at 0 }
rule len_check { strings: $a = /o[a-z]+/ condition: !a[1] >= 2 }
rule any_of { strings: $a = "zzz1" $b = "quick" $c = "zzz2" condition: any of them }
rule all_of { strings: $a = "quick" $b = "brown" condition: all of them }
rule n_of { strings: $s1 = "quick" $s2 = "lazy" $s3 = "absent1" condition: 2 of ($s*) }
rule none_of { strings: $a = "absent2" $b = "absent3" condition: none of them }
rule for_of { strings: $a = "quick" $b = "brown" condition: for all of ($a, $b) : ( @ < 100 ) }
rule for_in { strings: $a = "o" condition: for any i in (1..#a) : ( @a[i] > 20 ) }
rule for_all_empty { strings: $a = "absent4" condition: for all i in (1..#a) : ( @a[i] > 0 ) }
rule fsize { condition: filesize > 1KB and filesize < 1MB }
rule fsize_small { condition: filesize < 100 }
rule uint_elf { condition: uint32(0) == 0x464C457F }
rule uint_mz { condition: uint16(0) == 0x5A4D and uint32(uint32(0x3C)) == 0x00004550 }
rule uint_be { condition: uint16be(0) == 0x5468 }
rule arith { condition: (filesize \ 2) * 2 <= filesize and filesize % 1 == 0 and (1 << 3) == 8 }
private rule priv_text { strings: $a = "quick" condition: $a }
rule uses_priv { condition: priv_text and filesize > 0 }
rule not_priv { condition: not priv_text }
rule tagged : tag1 tag2 { meta: author = "me" score = 10 ok = true strings: $a = "lazy" condition: $a }
rule is_pe_rule { condition: pe.is_pe }
rule pe_machine { condition: pe.machine == pe.MACHINE_I386 and pe.number_of_sections == 1 }
rule pe_section { condition: pe.sections[0].name == ".text" }
rule pe_entry { condition: pe.entry_point == 0x200 and entrypoint == 0x200 }
rule pe_loop { condition: for any i in (0..pe.number_of_sections - 1) : ( pe.sections[i].name == ".text" ) }
rule pe_not { condition: not pe.is_pe }
rule elf_type { condition: elf.type == elf.ET_EXEC and elf.machine == elf.EM_X86_64 }
rule elf_sections { condition: elf.number_of_sections > 5 and for any i in (0..elf.number_of_sections - 1) : ( elf.sections[i].name == ".gopclntab" ) }
rule elf_entry { condition: elf.entry_point == entrypoint and entrypoint > 0 and uint8(entrypoint) != 0xff }
rule go_buildid { strings: $a = "Go build ID:" $b = "runtime.main" condition: $a and $b }
rule str_ops { condition: pe.sections[0].name startswith ".te" and pe.sections[0].name contains "ex" and pe.sections[0].name matches /^\.t/ }
rule eicar_like { strings: $a = "EICAR-STANDARD" $b = { 58 35 4F 21 50 25 } condition: $a and $b at 0 }
