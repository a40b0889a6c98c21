-- Up Migration

-- A campaign's entity rows are inserted once and then updated twice each (the attempt mark before a DIGIT
-- write, the DIGIT id and done after it). Packed full, every update moves the row to another page and adds
-- an entry to each of its indexes; with room left on the page the updates stay on it (heap-only tuples)
-- and leave the indexes alone. Applies to the pages written from now on.
ALTER TABLE campaign_project SET (fillfactor = 40);
ALTER TABLE campaign_facility SET (fillfactor = 40);
ALTER TABLE campaign_user SET (fillfactor = 40);
ALTER TABLE campaign_mapping SET (fillfactor = 40);
