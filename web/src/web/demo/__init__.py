"""The demo people of the development sign-in and the demo data set loaded through the public APIs."""
