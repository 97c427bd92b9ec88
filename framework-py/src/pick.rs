//! One top-level field of a report, serialized alone: a serde serializer that walks the report's
//! top-level map, makes the value of the field asked for into Python objects, and passes over
//! the others without touching them. So reading a report's `covered` costs nothing however many
//! items the report holds, and its field names come without serializing any value.

use pyo3::prelude::*;
use serde::Serialize;
use serde::ser::{self, Impossible};

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
pub(crate) fn keys<T: Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Vec<String>> {
    let mut pick = Pick {
        py,
        wanted: None,
        keys: Vec::new(),
        found: None,
    };
    value
        .serialize(&mut pick)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    Ok(pick.keys)
}

/// The value of one top-level field as Python objects (`None` when there is no such field).
pub(crate) fn field<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
    name: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let mut pick = Pick {
        py,
        wanted: Some(name),
        keys: Vec::new(),
        found: None,
    };
    value
        .serialize(&mut pick)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    pick.found.transpose()
}

struct Pick<'a, 'py> {
    py: Python<'py>,
    wanted: Option<&'a str>,
    keys: Vec<String>,
    found: Option<PyResult<Bound<'py, PyAny>>>,
}

impl Pick<'_, '_> {
    /// A field: its name noted, or its value taken when it is the one wanted. A name met twice
    /// (two flattened parts with one name) is listed once, and its last value is the one kept,
    /// as `serde_json::to_value` of the whole report keeps it.
    fn entry<V: Serialize + ?Sized>(&mut self, key: &str, value: &V) -> Result<(), PickError> {
        match self.wanted {
            None if !self.keys.iter().any(|k| k == key) => self.keys.push(key.to_owned()),
            None => {}
            Some(w) if w == key => {
                self.found = Some(crate::convert::serialized(self.py, value));
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
struct Entries<'p, 'a, 'py> {
    pick: &'p mut Pick<'a, 'py>,
    key: Option<String>,
}

impl ser::SerializeMap for Entries<'_, '_, '_> {
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

impl ser::SerializeStruct for Entries<'_, '_, '_> {
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

impl<'p, 'a, 'py> ser::Serializer for &'p mut Pick<'a, 'py> {
    type Ok = ();
    type Error = PickError;
    type SerializeSeq = Impossible<(), PickError>;
    type SerializeTuple = Impossible<(), PickError>;
    type SerializeTupleStruct = Impossible<(), PickError>;
    type SerializeTupleVariant = Impossible<(), PickError>;
    type SerializeMap = Entries<'p, 'a, 'py>;
    type SerializeStruct = Entries<'p, 'a, 'py>;
    type SerializeStructVariant = Impossible<(), PickError>;

    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'p, 'a, 'py>, PickError> {
        Ok(Entries {
            pick: self,
            key: None,
        })
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Entries<'p, 'a, 'py>, PickError> {
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
