-- The search index holds the name of each record's organisation (a search for 赛罕区 finds the
-- records of 赛罕区行政审批局): renaming an organisation re-indexes its records, as moving it does.
-- Records indexed before this migration hold no such name until `dangan reindex`.
DROP TRIGGER organisations_search_note ON organisations;
CREATE TRIGGER organisations_search_note AFTER UPDATE OF path, name ON organisations
  FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION search_note_organisation();
