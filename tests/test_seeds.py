"""Seed lists: every bad line is one message with its line number; the good ones still run."""

from crawler.crawl.seeds import collect_seeds, read_seed_file, url_problem


def test_url_problems():
    assert url_problem("http://127.0.0.1:8000/") is None
    assert "not a URL" in url_problem("www.example.gov.cn")
    assert "unsupported scheme" in url_problem("ftp://127.0.0.1/x")
    assert "no host" in url_problem("http:///path")
    assert "spaces" in url_problem("http://127.0.0.1/a b")


def test_text_seed_file_with_comments_and_bad_lines(tmp_path):
    path = tmp_path / "seeds.txt"
    path.write_text("# portals\nhttp://127.0.0.1:1/\n\nnot a url\nmailto:x@y.z\n", encoding="utf-8")
    seeds, problems = read_seed_file(path)
    assert [seed.url for seed in seeds] == ["http://127.0.0.1:1/"]
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:4:") and "'not a url'" in problems[0]
    assert problems[1].startswith(f"{path}:5:") and "mailto" in problems[1]


def test_csv_seed_file_carries_columns(tmp_path):
    path = tmp_path / "seeds.csv"
    path.write_text(
        "url,body,region,level\nhttp://127.0.0.1:2/,青岚县人民政府,云溪市,县\n,x,y,z\n", encoding="utf-8"
    )
    seeds, problems = read_seed_file(path)
    assert seeds[0].body == "青岚县人民政府" and seeds[0].level == "县"
    assert seeds[0].source == f"{path}:2"
    assert problems == [f"{path}:3: empty URL: ''"]


def test_gbk_seed_file(tmp_path):
    path = tmp_path / "seeds.txt"
    path.write_bytes("# 青岚县\nhttp://127.0.0.1:3/\n".encode("gbk"))
    seeds, problems = read_seed_file(path)
    assert [seed.url for seed in seeds] == ["http://127.0.0.1:3/"] and problems == []


def test_missing_seed_file(tmp_path):
    seeds, problems = read_seed_file(tmp_path / "nope.txt")
    assert seeds == [] and problems == [f"{tmp_path / 'nope.txt'}: seed file not found"]


def test_duplicates_are_reported_once_and_kept_once():
    seeds, problems = collect_seeds(["http://127.0.0.1:4/", "http://127.0.0.1:4/", "bad"])
    assert [seed.url for seed in seeds] == ["http://127.0.0.1:4/"]
    assert len(problems) == 2 and "duplicate" in problems[1] and "'bad'" in problems[0]
