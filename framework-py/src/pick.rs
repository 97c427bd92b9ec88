//! One top-level field of a report, serialized alone: a serde serializer that walks the report's
//! top-level map, serializes the value of the field asked for, and passes over the others
//! without touching them. So reading a report's `covered` costs nothing however many items the
//! report holds, and its field names come without serializing any value.

use serde::Serialize;
use serde::ser::{self, Impossible};
use serde_json::Value;

/// Why a value could not be picked.
#[derive(Debug)]
pub(crate) struct PickError(String);

impl std::fmt::Display for PickError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PickError {}

impl ser::Error for PickError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// The top-level field names of a value serialized as a map or a struct, in order.
pub(crate) fn keys<T: Serialize + ?Sized>(value: &T) -> Result<Vec<String>, PickError> {
    let mut pick = Pick {
        wanted: None,
        keys: Vec::new(),
        found: None,
    };
    value.serialize(&mut pick)?;
    Ok(pick.keys)
}

/// The value of one top-level field (`None` when there is no such field).
pub(crate) fn field<T: Serialize + ?Sized>(
    value: &T,
    name: &str,
) -> Result<Option<Value>, PickError> {
    let mut pick = Pick {
        wanted: Some(name),
        keys: Vec::new(),
        found: None,
    };
    value.serialize(&mut pick)?;
    Ok(pick.found)
}

struct Pick<'a> {
    wanted: Option<&'a str>,
    keys: Vec<String>,
    found: Option<Value>,
}

impl Pick<'_> {
    /// A field: its name noted, or its value taken when it is the one wanted. A name met twice
    /// (two flattened parts with one name) is listed once, and its last value is the one kept,
    /// as `serde_json::to_value` of the whole report keeps it.
    fn entry<V: Serialize + ?Sized>(&mut self, key: &str, value: &V) -> Result<(), PickError> {
        match self.wanted {
            None if !self.keys.iter().any(|k| k == key) => self.keys.push(key.to_owned()),
            None => {}
            Some(w) if w == key => {
                self.found =
                    Some(serde_json::to_value(value).map_err(|e| PickError(e.to_string()))?);
            }
            Some(_) => {}
        }
        Ok(())
    }
}

fn not_a_map<T>() -> Result<T, PickError> {
    Err(PickError("a report is a map of fields".to_owned()))
}

/// The picker over a map's entries.
struct Entries<'p, 'a> {
    pick: &'p mut Pick<'a>,
    key: Option<String>,
}

impl ser::SerializeMap for Entries<'_, '_> {
    type Ok = ();
    type Error = PickError;
    fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), PickError> {
        self.key = Some(key.serialize(KeyName)?);
        Ok(())
    }
    fn serialize_value<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), PickError> {
        let key = self.key.take().unwrap_or_default();
        self.pick.entry(&key, value)
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), PickError> {
        let key = key.serialize(KeyName)?;
        self.pick.entry(&key, value)
    }
    fn end(self) -> Result<(), PickError> {
        Ok(())
    }
}

impl ser::SerializeStruct for Entries<'_, '_> {
    type Ok = ();
    type Error = PickError;
    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), PickError> {
        self.pick.entry(key, value)
    }
    fn end(self) -> Result<(), PickError> {
        Ok(())
    }
}

impl<'p, 'a> ser::Serializer for &'p mut Pick<'a> {
    type Ok = ();
    type Error = PickError;
    type SerializeSeq = Impossible<(), PickError>;
    type SerializeTuple = Impossible<(), PickError>;
    type SerializeTupleStruct = Impossible<(), PickError>;
    type SerializeTupleVariant = Impossible<(), PickError>;
    type SerializeMap = Entries<'p, 'a>;
    type SerializeStruct = Entries<'p, 'a>;
    type SerializeStructVariant = Impossible<(), PickError>;

    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'p, 'a>, PickError> {
        Ok(Entries {
            pick: self,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Entries<'p, 'a>, PickError> {
        Ok(Entries {
            pick: self,
            key: None,
        })
    }
    fn serialize_bool(self, _: bool) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_i8(self, _: i8) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_i16(self, _: i16) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_i32(self, _: i32) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_i64(self, _: i64) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_u8(self, _: u8) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_u16(self, _: u16) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_u32(self, _: u32) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_u64(self, _: u64) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_f32(self, _: f32) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_f64(self, _: f64) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_char(self, _: char) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_str(self, _: &str) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_none(self) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), PickError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), PickError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), PickError> {
        not_a_map()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, PickError> {
        not_a_map()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, PickError> {
        not_a_map()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, PickError> {
        not_a_map()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, PickError> {
        not_a_map()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, PickError> {
        not_a_map()
    }
}

/// A map key as text (what a report's keys are; a number is written as JSON writes it as a key).
struct KeyName;

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = PickError;
    type SerializeSeq = Impossible<String, PickError>;
    type SerializeTuple = Impossible<String, PickError>;
    type SerializeTupleStruct = Impossible<String, PickError>;
    type SerializeTupleVariant = Impossible<String, PickError>;
    type SerializeMap = Impossible<String, PickError>;
    type SerializeStruct = Impossible<String, PickError>;
    type SerializeStructVariant = Impossible<String, PickError>;

    fn serialize_str(self, v: &str) -> Result<String, PickError> {
        Ok(v.to_owned())
    }
    fn serialize_bool(self, _: bool) -> Result<String, PickError> {
        not_a_map()
    }
    fn serialize_i8(self, v: i8) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, PickError> {
        not_a_map()
    }
    fn serialize_f64(self, _: f64) -> Result<String, PickError> {
        not_a_map()
    }
    fn serialize_char(self, c: char) -> Result<String, PickError> {
        Ok(c.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, PickError> {
        not_a_map()
    }
    fn serialize_none(self) -> Result<String, PickError> {
        not_a_map()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, PickError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, PickError> {
        not_a_map()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, PickError> {
        not_a_map()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, PickError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, PickError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, PickError> {
        not_a_map()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, PickError> {
        not_a_map()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, PickError> {
        not_a_map()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, PickError> {
        not_a_map()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, PickError> {
        not_a_map()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, PickError> {
        not_a_map()
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, PickError> {
        not_a_map()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, PickError> {
        not_a_map()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Body {
        covered: usize,
        items: Vec<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<u8>,
    }

    #[derive(Serialize)]
    struct Envelope {
        #[serde(flatten)]
        body: Body,
        diagnostics: Vec<String>,
    }

    #[test]
    fn one_field_is_picked_and_the_rest_left_alone() {
        let e = Envelope {
            body: Body {
                covered: 3,
                items: vec![1, 2],
                absent: None,
            },
            diagnostics: vec!["d".into()],
        };
        assert_eq!(keys(&e).unwrap(), ["covered", "items", "diagnostics"]);
        assert_eq!(field(&e, "covered").unwrap(), Some(serde_json::json!(3)));
        assert_eq!(field(&e, "items").unwrap(), Some(serde_json::json!([1, 2])));
        assert_eq!(
            field(&e, "diagnostics").unwrap(),
            Some(serde_json::json!(["d"]))
        );
        assert_eq!(field(&e, "absent").unwrap(), None);
        // The same as the whole JSON's fields.
        let whole = serde_json::to_value(&e).unwrap();
        for k in keys(&e).unwrap() {
            assert_eq!(field(&e, &k).unwrap().as_ref(), whole.get(&k));
        }
    }
}
