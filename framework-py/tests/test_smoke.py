import competence_engine


def test_version_is_the_crate_version():
    assert competence_engine.__version__.count(".") == 2


def test_shipped_catalog_is_valid():
    assert competence_engine.validate_builtin() == []


def test_care_certificate_is_shipped():
    assert ("framework", "care-certificate-2015") in competence_engine.builtin_documents()
