//! The tabular and linked-data imports (ESCO, OpenSALT CSV, DIRECT, CTDL, SSSOM) on real files
//! (tests/fixtures/interop/, provenance in its README), the CTDL and SSSOM exports' round
//! trips, and files given to the wrong importer.

mod common;

use framework_core::Catalog;
use framework_core::interop::{self, Imported, ctdl, direct, esco, opensalt_csv, sssom};

fn fixture(rel: &str) -> (String, Vec<u8>) {
    let path = common::root().join("fixtures/interop").join(rel);
    (path.display().to_string(), std::fs::read(&path).unwrap())
}

/// A multi-file import: files (name, bytes) and an id to give, to documents.
type MultiFileImport = fn(&[(&str, &[u8])], Option<&str>) -> Imported;

/// A multi-file import (ESCO, DIRECT) of these fixture files.
fn import_fixtures(
    rels: impl IntoIterator<Item = impl AsRef<str>>,
    import: MultiFileImport,
) -> Imported {
    let files: Vec<(String, Vec<u8>)> = rels.into_iter().map(|f| fixture(f.as_ref())).collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    import(&refs, None)
}

/// The documents an import made, loaded with the shipped catalog: nothing but warnings.
fn loads(imported: &Imported) -> Catalog {
    let mut b = Catalog::builder();
    for d in imported.documents() {
        b.add_document(d);
    }
    let c = b.build();
    let errors: Vec<String> = c
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}:{} {}", d.file(), d.line(), d.message()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    c
}

fn errors(imported: &Imported) -> Vec<String> {
    imported
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message().to_owned())
        .collect()
}

#[test]
fn esco_skills_and_hierarchy_make_one_polyhierarchy() {
    let imported = import_fixtures(
        [
            "esco/skillsHierarchy_en.csv",
            "esco/transversalSkillsCollection_en.csv",
            "esco/digCompSkillsCollection_en.csv",
        ],
        esco::import,
    );
    assert!(errors(&imported).is_empty(), "{:?}", errors(&imported));
    let c = loads(&imported);
    let fw = c.framework("esco-skills").unwrap();
    // The hierarchy's four pillars are the top, by their codes.
    let tops: Vec<&str> = fw
        .roots()
        .map(|r| fw.item(r).unwrap().id.as_str())
        .collect();
    assert_eq!(tops.len(), 4, "{tops:?}");
    assert!(
        tops.contains(&"S") && tops.contains(&"K") && tops.contains(&"L") && tops.contains(&"T")
    );
    // "show initiative": its URI, its seven alternative labels, its type.
    let id = "001115fb-569f-4ee6-8381-c6807ef2527f";
    let item = fw.item(fw.find(id).unwrap()).unwrap();
    assert_eq!(item.title, "show initiative");
    assert_eq!(item.alt_labels.len(), 7);
    assert_eq!(
        item.uri.as_deref(),
        Some(&*format!("http://data.europa.eu/esco/skill/{id}"))
    );
    // The one transversal skill with two broader concepts is under both.
    let two = fw
        .items()
        .iter()
        .filter(|i| i.also_under().len() > 0)
        .count();
    assert!(two >= 1);
    // DigComp's broader URIs end with a space: trimmed, so its skills sit under their groups.
    let digcomp = "14832d87-2f2f-4895-b290-e4760ebae42a";
    let parents = fw.hierarchy().parents(fw.find(digcomp).unwrap());
    assert!(!parents.is_empty());
}

#[test]
fn a_multi_file_imports_diagnostics_point_at_each_rows_own_file() {
    // The hierarchy holds a real U+009D in one description; the loader reports it. Given after
    // another file, it is still placed at its own file's row (it was the first file's header).
    let imported = import_fixtures(
        [
            "esco/transversalSkillsCollection_en.csv",
            "esco/skillsHierarchy_en.csv",
        ],
        esco::import,
    );
    let unsafe_char: Vec<(String, u32)> = imported
        .diagnostics
        .iter()
        .filter(|d| d.code().as_str() == "unsafe-character")
        .map(|d| {
            let file = std::path::Path::new(d.file()).file_name().unwrap();
            (file.to_string_lossy().into_owned(), d.line())
        })
        .collect();
    // The row holding it: the last line before it that starts a record (a concept's URI; the
    // description runs over several lines).
    let (_, bytes) = fixture("esco/skillsHierarchy_en.csv");
    let text = String::from_utf8(bytes).unwrap();
    let at = text.find('\u{9d}').unwrap();
    let row = text[..at]
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("http://data.europa.eu/esco/"))
        .last()
        .map(|(n, _)| u32::try_from(n + 1).unwrap())
        .unwrap();
    assert_eq!(
        unsafe_char,
        [("skillsHierarchy_en.csv".to_owned(), row)],
        "the character is in the row at line {row}"
    );
}

#[test]
fn a_multi_file_imports_items_keep_their_own_file() {
    // A skill in the third file relates to a slug no file holds: the catalog's check of
    // references reports it at the skill's own row (it was past the end of the first file).
    let domains = "name,description,slug,rank\nData,About data,data,1\n";
    let competencies = "name,description,slug,competency_domain,rank\n\
                        Engineering,Pipelines,engineering,data,1\n";
    let skills = "name,description,slug,competency,related_skills,rank\n\
                  Acquisition,Collecting,acquisition,engineering,,1\n\
                  Cleaning,Tidying,cleaning,engineering,nowhere,2\n";
    let imported = direct::import(
        &[
            ("domains.csv", domains.as_bytes()),
            ("competencies.csv", competencies.as_bytes()),
            ("skills.csv", skills.as_bytes()),
        ],
        None,
    );
    let mut b = Catalog::builder();
    for d in imported.documents() {
        b.add_document(d);
    }
    let c = b.build();
    let unknown: Vec<(&str, u32)> = c
        .diagnostics()
        .iter()
        .filter(|d| d.code().as_str() == "unknown-ref")
        .map(|d| (d.file(), d.line()))
        .collect();
    assert_eq!(unknown, [("skills.csv", 3)]);
    let fw = c.framework("direct").unwrap();
    let cleaning = fw.item(fw.find("cleaning").unwrap()).unwrap();
    assert_eq!(
        (cleaning.position().file.as_str(), cleaning.position().line),
        ("skills.csv", 3)
    );
}

#[test]
fn opensalt_csv_ids_never_clash() {
    // A shared code, an identifier already taken, a code that is not an id, and a code that
    // holds the fallback `row-N` of a later line.
    let csv = "Human Coding Scheme,identifier,Full Statement\n\
               A,X,first\n\
               A,X,second\n\
               row-4,,third\n\
               ,row-4,fourth\n\
               B C,,fifth\n\
               row-8,,sixth\n\
               ,,seventh\n";
    let imported = opensalt_csv::import("clash.csv", csv.as_bytes(), None);
    let c = loads(&imported);
    let fw = c.framework("clash").unwrap();
    let ids: Vec<&str> = fw.items().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        ["X", "row-3", "row-4", "row-5", "row-6", "row-8", "row-8-2"]
    );
    let warnings: Vec<(u32, &str)> = imported
        .diagnostics
        .iter()
        .map(|d| (d.line(), d.message()))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                2,
                "the human coding scheme `A` is on 2 rows: this row's id is `X`"
            ),
            (
                3,
                "the human coding scheme `A` is on 2 rows: this row's id is `row-3`"
            ),
            (
                5,
                "the identifier `row-4` is another row's id: this row's id is `row-5`"
            ),
            (
                6,
                "the human coding scheme `B C` cannot be an id: it holds white space: this row's id is `row-6`"
            ),
        ]
    );
}

#[test]
fn opensalt_csv_keeps_its_importers_answers() {
    let (name, bytes) = fixture("opensalt-csv/abbreviatedStatementLimit.csv");
    let refused = opensalt_csv::import(&name, &bytes, None);
    assert!(
        errors(&refused)
            .iter()
            .any(|e| e.starts_with("Abbreviated statement can not be longer than 60 characters")),
        "{:?}",
        errors(&refused)
    );
    let (name, bytes) = fixture("opensalt-csv/abbreviatedStatement.csv");
    assert!(errors(&opensalt_csv::import(&name, &bytes, None)).is_empty());
    // Sequence numbers order siblings: B (1) before A (2).
    let (name, bytes) = fixture("opensalt-csv/sequenceNumber.csv");
    let imported = opensalt_csv::import(&name, &bytes, None);
    let c = loads(&imported);
    let fw = &c
        .frameworks()
        .iter()
        .find(|f| f.id().as_str() == "sequencenumber")
        .unwrap();
    let first = fw.item(fw.roots().next().unwrap()).unwrap();
    assert_eq!(first.id.as_str(), "B");
    // Parents by human coding scheme; association columns kept.
    let (name, bytes) = fixture("opensalt-csv/sample_case.csv");
    let imported = opensalt_csv::import(&name, &bytes, None);
    let c = loads(&imported);
    let fw = c.framework("sample-case").unwrap();
    let mf = fw.find("M.F").unwrap();
    assert_eq!(
        fw.item(fw.hierarchy().parent(mf).unwrap())
            .unwrap()
            .id
            .as_str(),
        "M"
    );
    let kept = serde_json::to_value(fw.document_view(None))
        .unwrap()
        .to_string();
    assert!(kept.contains("CCSS.Math.Content.HSF-IF.C.8b"));
}

#[test]
fn direct_csvs_make_one_framework_with_a_scale_and_related_skills() {
    let names = [
        "competency_domain.csv",
        "competency.csv",
        "skill.csv",
        "skill_level.csv",
        "learning_resource.csv",
    ];
    let imported = import_fixtures(names.iter().map(|f| format!("direct/{f}")), direct::import);
    assert!(errors(&imported).is_empty(), "{:?}", errors(&imported));
    let c = loads(&imported);
    let fw = c.framework("direct").unwrap();
    let count = |kind: &str| {
        fw.items()
            .iter()
            .filter(|i| i.kind.as_deref() == Some(kind))
            .count()
    };
    assert_eq!(
        (count("domain"), count("competency"), count("skill")),
        (7, 20, 164)
    );
    assert_eq!(fw.scale.len(), 5);
    assert!(fw.items().iter().any(|i| i.related().len() > 0));
    let doc = serde_json::to_value(fw.document_view(None)).unwrap();
    assert_eq!(
        doc["extensions"]["direct"]["learning_resources"]
            .as_array()
            .unwrap()
            .len(),
        207
    );
}

#[test]
fn a_ctdl_files_problems_are_placed_at_their_node() {
    let json = r#"{"@graph": [
  {"@id": "urn:x:fw", "@type": "ceasn:CompetencyFramework", "ceasn:name": "Demo"},
  {"@id": "urn:x:c1", "@type": "ceasn:Competency", "ceasn:isPartOf": "urn:x:fw",
   "ceasn:competencyLabel": "a bell \u0007 here"},
  {"@type": "ceterms:AlignmentMap", "ceterms:hasPart": [
    {"@type": "ceterms:AlignmentObject", "ceterms:sourceNode": "a:1",
     "ceterms:alignmentType": "skos:sameAs", "ceterms:targetNode": "b:2"}
  ]}
]}"#;
    let imported = ctdl::import(&Catalog::builtin(), "demo.json", json.as_bytes(), None);
    let place = |code: &str| -> Vec<(u32, u32)> {
        imported
            .diagnostics
            .iter()
            .filter(|d| d.code().as_str() == code)
            .map(|d| (d.line(), d.column()))
            .collect()
    };
    // The competency's object (line 3, column 3), and the alignment type's value (line 7).
    assert_eq!(place("unsafe-character"), [(3, 3)]);
    let column = json
        .lines()
        .nth(6)
        .unwrap()
        .find("\"skos:sameAs\"")
        .unwrap();
    assert_eq!(
        place("import-invalid"),
        [(7, u32::try_from(column + 1).unwrap())]
    );
}

#[test]
fn an_empty_json_import_is_advised_about_its_format() {
    let ctdl = ctdl::import(&Catalog::builtin(), "empty.json", b"  \n", None);
    let case = interop::case::import(&[("empty.json", b"\n")], None);
    for (imported, format) in [(ctdl, "CTDL"), (case, "CASE")] {
        let d = &imported.diagnostics[0];
        assert_eq!(d.code().as_str(), "empty-file");
        assert!(d.help().unwrap().contains(format), "{:?}", d.help());
    }
}

#[test]
fn a_ctdl_alignment_map_keeps_its_no_match_rows() {
    let (name, bytes) = fixture("ctdl/scqf-eqf-mapping.json");
    let imported = ctdl::import(&Catalog::builtin(), &name, &bytes, None);
    assert!(errors(&imported).is_empty(), "{:?}", errors(&imported));
    let c = loads(&imported);
    let m = c.mapping("scqf--eqf").unwrap();
    assert_eq!(m.links.len(), 10);
    let unmatched: Vec<String> = m.no_match().map(ToString::to_string).collect();
    assert_eq!(unmatched, ["scqf:level1", "scqf:level2"]);
    let crosswalk = framework_core::crosswalk::crosswalk(&c, "scqf", "eqf").unwrap();
    assert!(!crosswalk.links.is_empty());
}

#[test]
fn every_shipped_framework_and_mapping_goes_through_ctdl_and_sssom_unchanged() {
    let c = Catalog::builtin();
    let tree = |f: &framework_core::model::Framework| -> Vec<(String, String, Option<String>, Option<String>)> {
        f.items()
            .iter()
            .map(|i| (i.id.to_string(), i.title.clone(), i.statement.clone(), i.kind.clone()))
            .collect()
    };
    for f in c.frameworks() {
        let text = serde_json::to_vec(&ctdl::export_framework(&c, f)).unwrap();
        let back = ctdl::import(&c, "x.json", &text, Some(f.id().as_str()));
        assert!(errors(&back).is_empty(), "{}: {:?}", f.id(), errors(&back));
        assert_eq!(tree(&back.frameworks[0]), tree(f), "{}", f.id());
    }
    for m in c.mappings() {
        let links = |m: &framework_core::model::Mapping| -> Vec<String> {
            m.links
                .iter()
                .map(|l| format!("{} {} {}", l.from, l.relation, l.to))
                .collect()
        };
        let text = serde_json::to_vec(&ctdl::export_mapping(m)).unwrap();
        let back = ctdl::import(&c, "m.json", &text, None);
        assert_eq!(links(&back.mappings[0]), links(m), "ctdl {}", m.info.id);
        let tsv = sssom::export(&c, m);
        let back = sssom::import(&c, "m.sssom.tsv", tsv.as_bytes());
        assert_eq!(links(&back.mappings[0]), links(m), "sssom {}", m.info.id);
        let notes: Vec<_> = back.mappings[0]
            .links
            .iter()
            .map(|l| l.note.clone())
            .collect();
        let before: Vec<_> = m.links.iter().map(|l| l.note.clone()).collect();
        assert_eq!(notes, before, "sssom notes {}", m.info.id);
    }
}

#[test]
fn a_file_given_to_the_wrong_importer_is_named_for_what_it_is() {
    let cases = [
        (
            "moodle",
            "esco/transversalSkillsCollection_en.csv",
            "import esco",
        ),
        ("case", "ctdl/scqf-eqf-mapping.json", "import ctdl"),
        (
            "moodle",
            "opensalt-csv/sample_case.csv",
            "import opensalt-csv",
        ),
        (
            "esco",
            "moodle/lpimportcsv-example-oecd.csv",
            "import moodle",
        ),
        ("opensalt-csv", "direct/skill.csv", "import direct"),
        ("ctdl", "case/Ordering.json", "import case"),
    ];
    for (importer, file, says) in cases {
        let path = common::root().join("fixtures/interop").join(file);
        let out = common::competence()
            .args(["import", importer, path.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{file}: {stderr}");
    }
    assert_eq!(interop::recognise::recognise(b"a,b\n1,2\n"), None);
}

/// Occupation–skill relations in ESCO's layout (a file written for this test: the collected
/// ESCO files hold none; the occupation is made up, the skills are real ones).
#[test]
fn esco_occupations_become_roles_of_their_essential_skills() {
    let imported = import_fixtures(
        [
            "esco/transversalSkillsCollection_en.csv",
            "esco/digCompSkillsCollection_en.csv",
            "esco-made/occupationSkillRelations_test.csv",
        ],
        esco::import,
    );
    assert!(errors(&imported).is_empty(), "{:?}", errors(&imported));
    let c = loads(&imported);
    let role = &c.roles()[c.roles().len() - 1];
    assert!(role.info.id.as_str().starts_with("esco-occupation-"));
    let essential: Vec<String> = role.requirements[0]
        .items
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        essential,
        ["esco-skills:001115fb-569f-4ee6-8381-c6807ef2527f"]
    );
    assert!(
        role.info
            .note
            .as_deref()
            .unwrap()
            .contains("14832d87-2f2f-4895-b290-e4760ebae42a")
    );
    // The skill no file holds is reported, not invented.
    assert!(
        imported
            .diagnostics
            .iter()
            .any(|d| d.message().contains("1 of this occupation's skills"))
    );
}
