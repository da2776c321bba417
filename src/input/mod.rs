//! What people send, checked once for every door it comes in by: the API's JSON, the pages'
//! forms and the CLI's arguments. Nothing here knows of Rocket or HTTP; each parser hands back
//! checked values or every problem it found, field by field.
pub mod changes;
pub mod claim;
pub mod evidence;
pub mod page;
pub mod piece;
pub mod search;
