"""PDF conversion: the converters (a pool of unoserver processes, a cold soffice, Gotenberg) and the guard
that ties each LibreOffice process to the worker that started it."""
