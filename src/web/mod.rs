//! Rocket routes, guards and the one error type. Handlers parse, call one store function, render.
pub mod api;
pub mod auth;
pub mod csrf;
pub mod error;
pub mod framing;
pub mod guards;
pub mod headers;
pub mod health;
pub mod live;
pub mod openapi;
pub mod pages;
pub mod permission;
pub mod reviews;
