//! Parquet export: `nodes.parquet`, `edges.parquet` and `sources.parquet`, the tables of the CSV
//! export with typed columns, for Spark and any other engine that reads Parquet natively.
//!
//! The columns are the CSV export's, named without Neo4j's type suffixes: a node's `id`, `kind`
//! (the CSV's `:LABEL`) and the model's fields ([`fields::NODE`]), then one typed column per
//! property; an edge's `from`, `to`, `rel` (`:START_ID`, `:END_ID`, `:TYPE`), the model's fields
//! ([`fields::EDGE`], in [`fields::columns`] order: `share_pct` last), then `evidence` (the tier its sources give it: `primary`,
//! `secondary`, `weak`, or null when unverified; what `--min-tier` reads), then its properties.
//! Lists are Parquet lists of strings, not `;`-joined text; an absent value is null, never "".
//! Uncompressed, one row group per [`ROW_GROUP`] rows; same data, same bytes.

use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{Type, TypePtr};

use super::{prop_columns, ColType};
use crate::fields::{self, Field, FieldType, FieldValue};
use crate::model::{Dataset, Value};

/// Rows per row group.
const ROW_GROUP: usize = 1 << 18;

/// One column's values, all rows.
enum Values {
    /// A string every row has.
    Required(Vec<String>),
    Str(Vec<Option<String>>),
    Double(Vec<Option<f64>>),
    Long(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    List(Vec<Option<Vec<String>>>),
}

struct Column {
    name: String,
    values: Values,
}

/// A built-in field's column, one value per item.
fn field_column<T>(f: &Field<T>, items: &crate::items::Items<T>) -> Column {
    let values = items.iter().map(|x| (f.get)(x));
    let values = match f.ty {
        FieldType::Strings => Values::List(
            values
                .map(|v| match v {
                    FieldValue::Strings(l) => Some(l.iter().map(String::from).collect()),
                    _ => None,
                })
                .collect(),
        ),
        FieldType::Number => Values::Double(
            values.map(|v| if let FieldValue::Number(x) = v { Some(x) } else { None }).collect(),
        ),
        FieldType::Text | FieldType::Date if f.required => {
            Values::Required(values.map(|v| v.text(";")).collect())
        }
        FieldType::Text | FieldType::Date => {
            Values::Str(values.map(|v| (!v.is_null()).then(|| v.text(";"))).collect())
        }
    };
    Column { name: f.name.to_string(), values }
}

/// A property column of type `t`, one value per row.
fn prop_column<'a>(name: &str, t: ColType, rows: impl Iterator<Item = Option<&'a Value>>) -> Column {
    let values = match t {
        ColType::Int => Values::Long(
            rows.map(|v| v.and_then(|v| if let Value::Int(i) = v { Some(*i) } else { None })).collect(),
        ),
        ColType::Float => Values::Double(
            rows.map(|v| match v {
                Some(Value::Int(i)) => Some(*i as f64),
                Some(Value::Float(f)) => Some(*f),
                _ => None,
            })
            .collect(),
        ),
        ColType::Bool => Values::Bool(
            rows.map(|v| v.and_then(|v| if let Value::Bool(b) = v { Some(*b) } else { None })).collect(),
        ),
        ColType::StrList => Values::List(
            rows.map(|v| match v {
                Some(Value::List(items)) => Some(items.iter().map(super::text_of).collect()),
                Some(other) => Some(vec![super::text_of(other)]),
                None => None,
            })
            .collect(),
        ),
        ColType::Str => Values::Str(rows.map(|v| v.map(super::text_of)).collect()),
    };
    Column { name: name.to_string(), values }
}

/// The three tables as (file name, Parquet bytes). A property whose name is one of the fixed
/// columns cannot be exported: the error names it.
pub fn to_parquet(d: &Dataset) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let (node_cols, edge_cols) = prop_columns(d);
    let node_fixed: Vec<&str> =
        ["id", "kind"].into_iter().chain(fields::columns(&fields::NODE[1..]).map(|f| f.name)).collect();
    let edge_fixed: Vec<&str> = ["from", "to", "rel"]
        .into_iter()
        .chain(fields::columns(&fields::EDGE).map(|f| f.name))
        .chain(["evidence"])
        .collect();
    for (props, fixed, what) in [(&node_cols, &node_fixed, "node"), (&edge_cols, &edge_fixed, "edge")] {
        if let Some(k) = props.keys().find(|k| fixed.contains(&k.as_str())) {
            return Err(format!(
                "the {what} property `{k}` has the name of a fixed column of the Parquet export"
            ));
        }
    }
    let n = &d.nodes;
    let mut nodes = vec![
        Column { name: "id".into(), values: Values::Required(n.iter().map(|n| n.id.0.clone()).collect()) },
        Column {
            name: "kind".into(),
            values: Values::Required(n.iter().map(|n| n.kind.to_string()).collect()),
        },
    ];
    nodes.extend(fields::columns(&fields::NODE[1..]).map(|f| field_column(f, n)));
    for (k, t) in &node_cols {
        nodes.push(prop_column(k, *t, n.iter().map(|n| n.props.get(k))));
    }

    let e = &d.edges;
    let id = |ix: usize| d.nodes[ix].id.0.clone();
    let mut edges = vec![
        Column { name: "from".into(), values: Values::Required(e.iter().map(|e| id(e.from)).collect()) },
        Column { name: "to".into(), values: Values::Required(e.iter().map(|e| id(e.to)).collect()) },
        Column {
            name: "rel".into(),
            values: Values::Required(e.iter().map(|e| e.rel.to_string()).collect()),
        },
    ];
    edges.extend(fields::columns(&fields::EDGE).map(|f| field_column(f, e)));
    edges.push(Column {
        name: "evidence".into(),
        values: Values::Str(e.iter().map(|e| d.edge_tier(e).map(|t| t.to_string())).collect()),
    });
    for (k, t) in &edge_cols {
        edges.push(prop_column(k, *t, e.iter().map(|e| e.more().props.get(k))));
    }

    let s: Vec<_> = d.sources.values().collect();
    let text = |f: fn(&crate::model::Source) -> Option<String>| Values::Str(s.iter().map(|s| f(s)).collect());
    let sources = vec![
        Column {
            name: "id".into(),
            values: Values::Required(s.iter().map(|s| s.id.0.to_string()).collect()),
        },
        Column {
            name: "title".into(),
            values: Values::Required(s.iter().map(|s| s.title.clone()).collect()),
        },
        Column { name: "publisher".into(), values: text(|s| s.publisher.clone()) },
        Column { name: "url".into(), values: Values::Required(s.iter().map(|s| s.url.clone()).collect()) },
        Column { name: "via".into(), values: text(|s| s.via.clone()) },
        Column { name: "date".into(), values: text(|s| s.date.clone()) },
        Column { name: "retrieved".into(), values: text(|s| s.retrieved.clone()) },
        Column { name: "kind".into(), values: Values::Required(s.iter().map(|s| s.kind.clone()).collect()) },
    ];
    let file =
        |cols: &[Column], rows: usize| write(cols, rows).map_err(|e| format!("cannot encode Parquet: {e}"));
    Ok(vec![
        ("nodes.parquet", file(&nodes, d.nodes.len())?),
        ("edges.parquet", file(&edges, d.edges.len())?),
        ("sources.parquet", file(&sources, s.len())?),
    ])
}

/// The Parquet type of a column.
fn field(c: &Column) -> parquet::errors::Result<TypePtr> {
    let string = |name: &str, rep: Repetition| {
        Type::primitive_type_builder(name, Physical::BYTE_ARRAY)
            .with_repetition(rep)
            .with_logical_type(Some(LogicalType::String))
            .build()
    };
    let t = match &c.values {
        Values::Required(_) => string(&c.name, Repetition::REQUIRED)?,
        Values::Str(_) => string(&c.name, Repetition::OPTIONAL)?,
        Values::Double(_) => Type::primitive_type_builder(&c.name, Physical::DOUBLE)
            .with_repetition(Repetition::OPTIONAL)
            .build()?,
        Values::Long(_) => Type::primitive_type_builder(&c.name, Physical::INT64)
            .with_repetition(Repetition::OPTIONAL)
            .build()?,
        Values::Bool(_) => Type::primitive_type_builder(&c.name, Physical::BOOLEAN)
            .with_repetition(Repetition::OPTIONAL)
            .build()?,
        // The three-level list of the Parquet spec: optional group (LIST) { repeated group list
        // { required element } }.
        Values::List(_) => {
            let element = string("element", Repetition::REQUIRED)?;
            let repeated = Type::group_type_builder("list")
                .with_repetition(Repetition::REPEATED)
                .with_fields(vec![Arc::new(element)])
                .build()?;
            Type::group_type_builder(&c.name)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(Some(LogicalType::List))
                .with_fields(vec![Arc::new(repeated)])
                .build()?
        }
    };
    Ok(Arc::new(t))
}

/// Definition levels of an optional column: 1 where a value is present.
fn defs<T>(values: &[Option<T>]) -> Vec<i16> {
    values.iter().map(|v| i16::from(v.is_some())).collect()
}

fn write(cols: &[Column], rows: usize) -> parquet::errors::Result<Vec<u8>> {
    let schema = Type::group_type_builder("schema")
        .with_fields(cols.iter().map(field).collect::<parquet::errors::Result<_>>()?)
        .build()?;
    let props = WriterProperties::builder().set_created_by("aikg".to_string()).build();
    let mut out = Vec::new();
    let mut w = SerializedFileWriter::new(&mut out, Arc::new(schema), Arc::new(props))?;
    let mut start = 0;
    // An empty table still gets one (empty) row group, so every file has the same layout.
    loop {
        let end = (start + ROW_GROUP).min(rows);
        let mut rg = w.next_row_group()?;
        for c in cols {
            let Some(mut cw) = rg.next_column()? else { break };
            let bytes = |s: &String| ByteArray::from(s.as_bytes().to_vec());
            match &c.values {
                Values::Required(v) => {
                    let vals: Vec<ByteArray> = v[start..end].iter().map(bytes).collect();
                    cw.typed::<ByteArrayType>().write_batch(&vals, None, None)?;
                }
                Values::Str(v) => {
                    let part = &v[start..end];
                    let vals: Vec<ByteArray> = part.iter().flatten().map(bytes).collect();
                    cw.typed::<ByteArrayType>().write_batch(&vals, Some(&defs(part)), None)?;
                }
                Values::Double(v) => {
                    let part = &v[start..end];
                    let vals: Vec<f64> = part.iter().flatten().copied().collect();
                    cw.typed::<DoubleType>().write_batch(&vals, Some(&defs(part)), None)?;
                }
                Values::Long(v) => {
                    let part = &v[start..end];
                    let vals: Vec<i64> = part.iter().flatten().copied().collect();
                    cw.typed::<Int64Type>().write_batch(&vals, Some(&defs(part)), None)?;
                }
                Values::Bool(v) => {
                    let part = &v[start..end];
                    let vals: Vec<bool> = part.iter().flatten().copied().collect();
                    cw.typed::<BoolType>().write_batch(&vals, Some(&defs(part)), None)?;
                }
                Values::List(v) => {
                    // Levels: 0 a null list, 1 an empty one, 2 an element; repetition 1 for every
                    // element after a list's first.
                    let (mut vals, mut def, mut rep) = (Vec::new(), Vec::new(), Vec::new());
                    for row in &v[start..end] {
                        match row {
                            None => {
                                def.push(0);
                                rep.push(0);
                            }
                            Some(items) if items.is_empty() => {
                                def.push(1);
                                rep.push(0);
                            }
                            Some(items) => {
                                for (i, item) in items.iter().enumerate() {
                                    vals.push(bytes(item));
                                    def.push(2);
                                    rep.push(i16::from(i > 0));
                                }
                            }
                        }
                    }
                    cw.typed::<ByteArrayType>().write_batch(&vals, Some(&def), Some(&rep))?;
                }
            }
            cw.close()?;
        }
        rg.close()?;
        start = end;
        if start >= rows {
            break;
        }
    }
    w.close()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    use super::*;

    /// Every row of a Parquet file, as (column, field) pairs.
    fn rows(bytes: &[u8]) -> Vec<Vec<(String, Field)>> {
        let path =
            std::env::temp_dir().join(format!("aikg-parquet-test-{}-{}", std::process::id(), bytes.len()));
        std::fs::write(&path, bytes).unwrap();
        let r = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        r.get_row_iter(None)
            .unwrap()
            .map(|row| row.unwrap().get_column_iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .collect()
    }

    #[test]
    fn reads_back_what_the_csv_export_writes() {
        let d = crate::testing::builtin();
        let files = to_parquet(&d).unwrap();
        let csv = crate::export::to_csv(&d).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.0).collect();
        assert_eq!(names, ["nodes.parquet", "edges.parquet", "sources.parquet"]);
        // Same rows as the CSV, in the same order.
        for ((_, pq), (_, text)) in files.iter().zip(&csv) {
            let table = rows(pq);
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let header: Vec<String> = r.headers().unwrap().iter().map(|h| h.to_string()).collect();
            let records: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
            assert_eq!(table.len(), records.len());
            for (row, rec) in table.iter().zip(&records) {
                for (h, cell) in header.iter().zip(rec.iter()) {
                    // `id:ID` -> id, `:LABEL` -> kind, `:START_ID` -> from, `aliases:string[]` -> aliases.
                    let name = match h.as_str() {
                        ":LABEL" => "kind",
                        ":START_ID" => "from",
                        ":END_ID" => "to",
                        ":TYPE" => "rel",
                        h => h.split(':').next().unwrap(),
                    };
                    let (_, field) =
                        row.iter().find(|(k, _)| k == name).unwrap_or_else(|| panic!("no column {name}"));
                    let got = match field {
                        Field::Null => String::new(),
                        Field::Str(s) => s.clone(),
                        Field::Double(f) => f.to_string(),
                        Field::Long(i) => i.to_string(),
                        Field::Bool(b) => b.to_string(),
                        Field::ListInternal(l) => l
                            .elements()
                            .iter()
                            .map(|f| if let Field::Str(s) = f { s.clone() } else { panic!("{f:?}") })
                            .collect::<Vec<_>>()
                            .join(";"),
                        other => panic!("unexpected {other:?}"),
                    };
                    assert_eq!(got, cell, "column {name}");
                }
            }
        }
    }

    #[test]
    fn evidence_is_the_edge_tier() {
        let d = crate::testing::builtin();
        let files = to_parquet(&d).unwrap();
        let edges = rows(&files[1].1);
        for (row, e) in edges.iter().zip(&d.edges) {
            let ev = row.iter().find(|(k, _)| k == "evidence").map(|(_, f)| f.clone()).unwrap();
            let want = d.edge_tier(e).map_or(Field::Null, |t| Field::Str(t.to_string()));
            assert_eq!(ev, want);
        }
    }

    #[test]
    fn same_data_same_bytes() {
        let d = crate::testing::builtin();
        assert_eq!(to_parquet(&d).unwrap(), to_parquet(&d).unwrap());
    }
}
