//! hinternet
