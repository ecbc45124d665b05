"""The officials' workspace on a government host: the inbox (`/kantor/`) and the report page
(`/kantor/laporan/<nomor>/`) with every action the official's seat allows."""
