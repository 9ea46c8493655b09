#!/usr/bin/env bash
# Build the configuration corpus that MLD503's precision is measured on (docs/precision.md):
# 15 pinned PyPI releases that ship training, evaluation and data-preparation scripts (argparse,
# YAML/JSON configs). Downloads from files.pythonhosted.org, checks each sha256, unpacks each
# release into OUTDIR/<name>-<version>. For measuring only: never commit what it downloads.
#
# usage: scripts/config_corpus.sh OUTDIR
#        then, per package: cd OUTDIR/<dir> && mldebtlint check . --select MLD503 --no-cache --exit-zero
set -euo pipefail
out=${1:?usage: config_corpus.sh OUTDIR}
mkdir -p "$out/_downloads"
while IFS=$'\t' read -r name version sha256 url; do
  file="$out/_downloads/${url##*/}"
  [ -f "$file" ] || curl -fsSL -o "$file" "$url"
  echo "$sha256  $file" | sha256sum -c --quiet -
  dir="$out/$name-$version"
  [ -d "$dir" ] && continue
  mkdir -p "$dir"
  case "$file" in
    *.tar.gz) tar xzf "$file" -C "$dir" --strip-components=1 ;;
    *.whl) python3 -m zipfile -e "$file" "$dir" ;;
  esac
  echo "$name $version -> $dir"
done <<'PINNED'
rl-zoo3	2.9.2	a8d3ebddf832b818f094021aafdbcb1e694d45220a7d4141f6212c9e961d71de	https://files.pythonhosted.org/packages/cd/71/a72b3f24125893e0a74bec8f35993ab561a53aebdde74d4ce6491166f8fd/rl_zoo3-2.9.2.tar.gz
yolov5	7.0.14	ba1b5012fc191b1252d4c532bd2ba9da9dd53207bbed2dc2387740e18d8815e6	https://files.pythonhosted.org/packages/6f/34/3b8c3bf8dae3f9663659ac38662d385a46f01dd133710b4290baec6ec153/yolov5-7.0.14.tar.gz
timm	1.0.31	baa0b333339c46d3d6d4965d99b69f5053afed71210e8f433d7ea5ee6a18f0ec	https://files.pythonhosted.org/packages/d8/f0/ef613e01647ba8e39d073df11bfe157ea16d0280a9b4a973f1caf0601856/timm-1.0.31.tar.gz
mmdet	3.3.0	2e23e291281ac57e7dccf8678e957da45fbe560ce78a1f5ded6afeccd3730f17	https://files.pythonhosted.org/packages/02/c7/c2d91161c9b3e1c237ea00e9cefb7f4bfe2854769f56025db415b734aedb/mmdet-3.3.0-py3-none-any.whl
mmpretrain	1.2.0	96156327c509cbf17fdc5867f7bc89142df6f63be38ecd67e91b41dc5e538933	https://files.pythonhosted.org/packages/09/a5/aa4f10a2757edadd0a55d88444f7dcccf122c2e053599b69a09d841f2b78/mmpretrain-1.2.0-py2.py3-none-any.whl
mmsegmentation	1.2.2	dadf62bba00a65947d71b08471bc1fe2fee8e2d6eb740381eecd03991e204b47	https://files.pythonhosted.org/packages/4f/ba/36c0ab58df725d4a96cd2b7e72f5817938025eed151541a2abb2955d6d5c/mmsegmentation-1.2.2-py3-none-any.whl
mmpose	1.3.2	70a77b4e5fc96a9295012ab0505b975f192b22372b2f59e3110200c1462576b6	https://files.pythonhosted.org/packages/b2/45/de64ae7fd3a82948643c3df7aedee9544284fe690aae0a70e499ed76f053/mmpose-1.3.2-py2.py3-none-any.whl
mmocr	1.0.1	772924e3ac8fb8b76443a70e7b8b41e12d16b22951d34daf41ec195cd2c197bf	https://files.pythonhosted.org/packages/e4/c6/6b77c1bca3f94195a5f65ba938b22de690879c34775d587a44f6b574ea2a/mmocr-1.0.1-py2.py3-none-any.whl
mmdet3d	1.4.0	ef5fc90ee2defff21ee76d45ef0adb8cf719ae1f19b111d0595ac0d978c5fdda	https://files.pythonhosted.org/packages/68/e2/09b0e2c59924d408ec5c2ff721358f01a974f062463246df339e7c9e2266/mmdet3d-1.4.0-py3-none-any.whl
fairseq	0.12.2	34f1b18426bf3844714534162f065ab733e049597476daa35fffb4d06a92b524	https://files.pythonhosted.org/packages/30/36/db42846570f479ac859be3b48d8b47f2ae9b0b9c77487a512f2f2ecbcb6b/fairseq-0.12.2.tar.gz
sentence-transformers	6.2.0	1e3cd8796ab7bcad4cfa2f51e2083d8b37b15d6b68e6fa6b91a147c67380574d	https://files.pythonhosted.org/packages/7f/66/635443b9b1d7ea618c4699c8ad4c43b022ceac0c0a1dc4404b7597b38754/sentence_transformers-6.2.0.tar.gz
torchgeo	0.10.1	9dfb36737e1ddb4156cd51244bf4247c4a2bafd0d177e7b6d59288ca8ae848b7	https://files.pythonhosted.org/packages/96/c2/c9d99976e8d3da7515fa7cca54087220cb145fd157fa06e269d1f96fe890/torchgeo-0.10.1.tar.gz
lightly	1.6.0	05cfb780837989a92cc1255aa0dfef7413881cb99b9e1d2a21b1c2f48231a7e9	https://files.pythonhosted.org/packages/bd/d0/a2180d2363d92eabe61dfeacdbb89db3ea047c554025bc07e0f0a6d092cb/lightly-1.6.0.tar.gz
torchtune	0.6.1	bcbc4ee9774b5c5829a5ff13df851e0b0e32416c018af8db53faa3472ac256e7	https://files.pythonhosted.org/packages/eb/de/da079f77188a5e3c53163c4488fad2a23733bab25a895e9a2dfc9aa5bbe6/torchtune-0.6.1-py3-none-any.whl
mmaction2	1.2.0	4697af11801a7e7b45700a1d21cb27afb5350b28718c31ca19b65a927fde1614	https://files.pythonhosted.org/packages/fd/3e/b02763a5996db2f897897425630423a7a316a0240f28c0319533a09381f1/mmaction2-1.2.0-py2.py3-none-any.whl
PINNED
